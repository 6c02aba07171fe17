// The arithmetic the benchmark verdicts rest on: order statistics, DynamoDB item sizes (the cost model: cost-model.test.ts),
// the classification of the sandbox's request log, and reading the Lambda zip artifacts.
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { classifyRequests } from '../../../bench/dispatch-goodput.ts';
import { attributeValueBytes, dynamoItemBytes } from '../../../bench/dynamo-size.ts';
import { failureSummary } from '../../../bench/e2e.ts';
import { median, percentile } from '../../../bench/stats.ts';
import { zipEntries } from '../../../bench/zip.ts';

describe('percentile', () => {
  it('interpolates between the closest ranks', () => {
    expect(percentile([10, 20, 30, 40], 50)).toBe(25);
    expect(percentile([40, 10, 30, 20], 0)).toBe(10);
    expect(percentile([40, 10, 30, 20], 100)).toBe(40);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 95)).toBeCloseTo(10.5);
    expect(median([3, 1, 2])).toBe(2);
  });

  it('is NaN without samples and refuses a percentile outside 0…100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('DynamoDB item size', () => {
  it('counts attribute names and values the way DynamoDB bills them', () => {
    expect(dynamoItemBytes({ pk: { S: 'ASSIGNMENT#1' }, sk: { S: 'A' } })).toBe(2 + 12 + 2 + 1);
    expect(attributeValueBytes({ N: '123' })).toBe(3);
    expect(attributeValueBytes({ N: '-0.000125' })).toBe(3);
    expect(attributeValueBytes({ BOOL: true })).toBe(1);
    expect(attributeValueBytes({ M: { a: { S: 'xy' } } })).toBe(3 + 1 + 1 + 2);
    expect(attributeValueBytes({ L: [{ S: 'a' }, { NULL: true }] })).toBe(3 + 2 + 2);
  });
});

describe('sandbox request log classification', () => {
  it('tells reads, directory pages, writes, tokens and 429s apart and leaves discovery out of the limit', () => {
    const base = '/inContactAPI/services/v30.0';
    const counts = classifyRequests([
      { method: 'GET', path: '/.well-known/openid-configuration', status: 200 },
      { method: 'POST', path: '/auth/token', status: 200 },
      { method: 'GET', path: `${base}/skills/4501234/agents`, status: 200 },
      { method: 'GET', path: `${base}/agents`, status: 200 },
      { method: 'POST', path: `${base}/skills/4501234/agents`, status: 200 },
      { method: 'DELETE', path: `${base}/skills/4501234/agents`, status: 429 },
      { method: 'PUT', path: '/api/v2/outbound/campaigns/c-1/agents', status: 500 },
    ]);
    expect(counts).toEqual({
      limited: 6,
      ok: 4,
      status429: 1,
      other: 1,
      discovery: 1,
      token: 1,
      skillReads: 1,
      directoryReads: 1,
      writes: 3,
      writesOk: 1,
    });
  });
});

/** A zip archive with one deflated and one stored entry, laid out as the format defines. */
function zipOf(files: { name: string; data: Buffer; deflate: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const body = file.deflate ? deflateRawSync(file.data) : file.data;
    const name = Buffer.from(file.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(file.deflate ? 8 : 0, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(file.deflate ? 8 : 0, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(file.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

describe('zip reader', () => {
  it('lists and reads deflated and stored entries', () => {
    const handler = Buffer.from('export const handler = async () => ({ ok: true });\n'.repeat(20));
    const policies = Buffer.from('[]\n');
    const entries = zipEntries(
      zipOf([
        { name: 'functions/health.mjs', data: handler, deflate: true },
        { name: 'config/campaign-policies.json', data: policies, deflate: false },
      ]),
    );
    expect(entries.map((e) => [e.name, e.size])).toEqual([
      ['functions/health.mjs', handler.length],
      ['config/campaign-policies.json', policies.length],
    ]);
    expect(entries[0]?.compressedSize).toBeLessThan(handler.length);
    expect(entries[0]?.read().equals(handler)).toBe(true);
    expect(entries[1]?.read().toString()).toBe('[]\n');
  });

  it('refuses what is not a zip archive', () => {
    expect(() => zipEntries(Buffer.from('not a zip'))).toThrow(/not a zip archive/);
  });
});

describe('e2e failure summary', () => {
  it("names the run's own error and counts the handlers' logged errors by kind", () => {
    const handlerError = (fn: string, name: string, message: string) =>
      JSON.stringify({
        level: 'ERROR',
        function_name: `cxone-assignments-local-${fn}`,
        error: { name, message },
      });
    const stderr = [
      'No application metrics to publish.',
      handlerError('submitAssignment', 'TimeoutError', 'The operation was aborted.'),
      handlerError('submitAssignment', 'TimeoutError', 'The operation was aborted.'),
      handlerError('getAssignment', 'SyntaxError', 'Unexpected token'),
      'E2eError: PUT answered 500 (after 10 retries)',
      '    at submitAndWait (bench/e2e-child.ts:1:1)',
    ].join('\n');
    expect(failureSummary(stderr)).toBe(
      'E2eError: PUT answered 500 (after 10 retries) — handler errors: ' +
        '2× submitAssignment TimeoutError: The operation was aborted.; 1× getAssignment SyntaxError: Unexpected token',
    );
  });
});
