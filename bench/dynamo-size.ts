// DynamoDB item size, which is what on-demand capacity is billed by (1 WRU per 1 KB written, 1 RRU per 4 KB read
// strongly consistent), following "Item sizes and formats" in the DynamoDB developer guide.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** A number's size: about one byte per two significant digits, plus one; at most 21 bytes. */
function numberBytes(text: string): number {
  const digits = text
    .replace(/^-/, '')
    .replace(/e.*$/i, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.min(21, Math.ceil(Math.max(1, digits.length) / 2) + 1);
}

export function attributeValueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((total, item) => total + utf8(item), 0);
  if (value.NS !== undefined) return value.NS.reduce((total, item) => total + numberBytes(item), 0);
  if (value.BS !== undefined) return value.BS.reduce((total, item) => total + item.length, 0);
  // Lists and maps: 3 bytes, plus 1 byte per element, plus the elements (and, in a map, their names).
  if (value.L !== undefined) return value.L.reduce((total, item) => total + 1 + attributeValueBytes(item), 3);
  if (value.M !== undefined) {
    return Object.entries(value.M).reduce(
      (total, [name, item]) => total + 1 + utf8(name) + attributeValueBytes(item),
      3,
    );
  }
  return 0;
}

/** Size of a whole item: each attribute's name plus its value. */
export function dynamoItemBytes(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce(
    (total, [name, value]) => total + utf8(name) + attributeValueBytes(value),
    0,
  );
}

/** Size of a plain JSON value as the document client would marshal it (strings, numbers, booleans, lists, maps). */
export function jsonValueBytes(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number') return numberBytes(String(value));
  if (Array.isArray(value)) return value.reduce((total: number, item) => total + 1 + jsonValueBytes(item), 3);
  if (typeof value === 'object') {
    return Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .reduce((total, [name, item]) => total + 1 + utf8(name) + jsonValueBytes(item), 3);
  }
  return 0;
}

/** Size of an item given as plain JSON attributes (undefined ones are not stored). */
export function jsonItemBytes(item: Record<string, unknown>): number {
  return Object.entries(item)
    .filter(([, value]) => value !== undefined)
    .reduce((total, [name, value]) => total + utf8(name) + jsonValueBytes(value), 0);
}
