import { describe, expect, it } from 'vitest';
import { entityTag, parseIfMatch, parseIfNoneMatch } from '../../../lib/http/conditional.ts';
import { booleanParam, isProblem } from '../../../lib/http/query.ts';

describe('entity tags of versions', () => {
  it('quotes the version', () => {
    expect(entityTag(3)).toBe('"3"');
  });

  it('reads *, one tag or a list, and ignores tags that are not versions', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('*')).toBe('any');
    expect(parseIfMatch(' * ')).toBe('any');
    expect(parseIfMatch('"3"')).toEqual([3]);
    expect(parseIfMatch('"1", "7" ,"x", "0", "01"')).toEqual([1, 7]);
    expect(parseIfMatch('3')).toEqual([]); // unquoted: not an entity tag, matches nothing
    expect(parseIfMatch('')).toEqual([]);
  });

  it('compares strongly for If-Match and weakly for If-None-Match', () => {
    expect(parseIfMatch('W/"3"')).toEqual([]);
    expect(parseIfNoneMatch('W/"3", "4"')).toEqual([3, 4]);
  });
});

describe('query parameters', () => {
  it('reads a boolean, its default, and refuses anything else (also an inherited property name)', () => {
    expect(booleanParam(undefined, 'force', false)).toBe(false);
    expect(booleanParam({ force: 'true' }, 'force', false)).toBe(true);
    expect(booleanParam({ force: '0' }, 'force', true)).toBe(false);
    for (const value of ['TRUE', 'yes', 'constructor', 'true,true', '']) {
      const result = booleanParam({ force: value }, 'force', false);
      expect(isProblem(result) && result.status, value).toBe(400);
    }
  });
});
