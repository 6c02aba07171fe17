// Conditional requests (RFC 9110 §13) on versioned resources: the `ETag` is the version in quotes, `"3"`.
import type { VersionCondition } from '../app/policies.ts';

export function entityTag(version: number): string {
  return `"${version}"`;
}

const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;
const VERSION = /^[1-9]\d{0,9}$/;

/**
 * `*`, or the versions among a comma-separated list of entity tags. Weak tags (`W/"3"`) count only where the weak
 * comparison applies (If-None-Match); a tag that is not one of ours matches nothing. Undefined when the header is
 * absent.
 */
function parseCondition(header: string | undefined, weakMatches: boolean): VersionCondition | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return 'any';
  const versions: number[] = [];
  for (const item of header.split(',')) {
    const match = ENTITY_TAG.exec(item.trim());
    if (!match || (match[1] && !weakMatches)) continue;
    const opaque = match[2] ?? '';
    if (VERSION.test(opaque)) versions.push(Number(opaque));
  }
  return versions;
}

/** If-Match uses the strong comparison: `W/"3"` never matches (RFC 9110 §13.1.1). */
export function parseIfMatch(header: string | undefined): VersionCondition | undefined {
  return parseCondition(header, false);
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2). */
export function parseIfNoneMatch(header: string | undefined): VersionCondition | undefined {
  return parseCondition(header, true);
}
