// skip/top paging of the Admin API's lists.
import type { Page } from './admin-responses.ts';

/** CXone pages with skip/top; 100 is the largest page clients observe working. */
export const PAGE_SIZE = 100;

/**
 * Reads every page: advances by what the server returned (it may cap `top` lower than asked) and stops at an empty
 * page (CXone answers 204 past the end), once `totalRecords` items were seen, or, without a total, at a short page.
 * There is no fixed page cap (a tenant may have any number of agents); the safety stop against a server that never
 * ends is a page that brings nothing new (it ignores `skip` and repeats itself). Items come back once each, first
 * occurrence first.
 */
export async function readAllPages<T>(
  readPage: (skip: number) => Promise<Page<T>>,
  keyOf: (item: T) => string | number,
): Promise<T[]> {
  const seen = new Map<string | number, T>();
  let skip = 0;
  for (;;) {
    const { items, totalRecords } = await readPage(skip);
    let fresh = 0;
    for (const item of items) {
      const key = keyOf(item);
      if (seen.has(key)) continue;
      seen.set(key, item);
      fresh++;
    }
    skip += items.length;
    const complete =
      items.length === 0 ||
      fresh === 0 ||
      (totalRecords === undefined ? items.length < PAGE_SIZE : skip >= totalRecords);
    if (complete) return [...seen.values()];
  }
}
