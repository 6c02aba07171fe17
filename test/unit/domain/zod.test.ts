import { describe, expect, it } from 'vitest';
import * as z from '../../../lib/domain/zod.ts';

// This file loads no classic zod: the messages below come from lib/domain/zod.ts's English locale alone.
const messagesOf = (schema: z.ZodMiniType, value: unknown) =>
  schema.safeParse(value).error?.issues.map((issue) => issue.message);

describe('zod/mini with English messages', () => {
  it('words every issue as classic zod does', () => {
    expect(messagesOf(z.string(), 7)).toEqual(['Invalid input: expected string, received number']);
    expect(messagesOf(z.strictObject({ a: z.int() }), {})).toEqual([
      'Invalid input: expected number, received undefined',
    ]);
    expect(messagesOf(z.string().check(z.minLength(3)), 'ab')).toEqual([
      'Too small: expected string to have >=3 characters',
    ]);
    expect(messagesOf(z.enum(['a', 'b']), 'c')).toEqual(['Invalid option: expected one of "a"|"b"']);
    expect(messagesOf(z.strictObject({}), { x: 1 })).toEqual(['Unrecognized key: "x"']);
  });

  it('keeps the messages a schema gives', () => {
    expect(messagesOf(z.string().check(z.regex(/^x$/, 'must be x')), 'y')).toEqual(['must be x']);
  });

  it('reports a transform’s issue like classic zod’s ctx.addIssue', () => {
    const schema = z.strictObject({
      n: z.pipe(
        z.string(),
        z.transform((text, ctx) => {
          z.addIssue(ctx, { message: `not a number: ${text}` });
          return z.NEVER;
        }),
      ),
    });
    expect(schema.safeParse({ n: 'x' }).error?.issues).toEqual([
      { code: 'custom', path: ['n'], message: 'not a number: x' },
    ]);
  });

  it('registers metadata on a copy, leaving the schema itself without it', () => {
    const base = z.string();
    const described = z.withMeta(base, { id: 'Described', description: 'a string' });
    expect(z.globalRegistry.get(described)).toEqual({ id: 'Described', description: 'a string' });
    expect(z.globalRegistry.get(base)).toBeUndefined();
    z.globalRegistry.remove(described);
  });
});
