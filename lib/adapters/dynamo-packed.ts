// Large, rarely read attributes are stored as deflated JSON (a DynamoDB binary attribute): on-demand capacity is
// billed per KB of the whole item on every write, and the desired agents, the applied state and the pending WFM
// events are repetitive JSON that deflates to a fraction of its size. Reads accept the plain form of items written
// before the attributes were packed.
import { deflateRawSync, inflateRawSync } from 'node:zlib';

export function pack(value: unknown): Uint8Array {
  return deflateRawSync(JSON.stringify(value));
}

/** The value of a packed attribute; a plain (older) attribute as it is; undefined as undefined. */
export function unpack<T>(stored: unknown): T | undefined {
  if (stored === undefined) return undefined;
  if (stored instanceof Uint8Array) return JSON.parse(inflateRawSync(stored).toString('utf8')) as T;
  return stored as T;
}
