import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { PoliciesEnv, positiveInt, TableEnv } from '../../../lib/runtime/common-env.ts';
import { ConfigurationError, extendEnv, parseEnv } from '../../../lib/runtime/env.ts';

const Env = extendEnv(TableEnv, {
  ...PoliciesEnv.shape,
  QUEUE_URL: z.url(),
  RETRIES: positiveInt(5),
});

describe('parseEnv', () => {
  it('returns the variables with their defaults applied and numbers coerced', () => {
    expect(parseEnv(Env, { TABLE_NAME: 't', QUEUE_URL: 'https://sqs.example/q', RETRIES: '7' })).toEqual({
      TABLE_NAME: 't',
      POLICY_CACHE_SECONDS: 30,
      QUEUE_URL: 'https://sqs.example/q',
      RETRIES: 7,
    });
  });

  it('names every wrong variable with an English reason', () => {
    const parse = () => parseEnv(Env, { TABLE_NAME: '', POLICY_CACHE_SECONDS: '31', QUEUE_URL: 'nope' });
    expect(parse).toThrow(ConfigurationError);
    expect(parse).toThrow(
      'Invalid environment: TABLE_NAME: Too small: expected string to have >=1 characters; ' +
        'POLICY_CACHE_SECONDS: Too big: expected number to be <=30; QUEUE_URL: Invalid URL',
    );
  });
});
