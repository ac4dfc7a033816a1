/**
 * Row ids and image keys. Each annotation gets a UUIDv7 (RFC 9562: a millisecond timestamp, then random bits), and
 * its image the key `images/<yyyy>/<mm>/<id>.<ext>`: the key names the row it belongs to and when it was written,
 * which is all the orphan sweep needs, in any store, without listing metadata.
 */
import { randomBytes } from 'node:crypto';

/** Prefix of every image key. */
export const IMAGE_PREFIX = 'images/';

/** A new UUIDv7 for the time `now` (milliseconds since the epoch). */
export function uuidv7(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The image key of row `id` (a UUIDv7), dated by the id's own timestamp. */
export function imageKey(id: string, extension: string): string {
  const date = new Date(uuidv7Time(id));
  const month = String(date.getUTCMonth() + 1).padStart(2, '0');
  return `${IMAGE_PREFIX}${date.getUTCFullYear()}/${month}/${id}.${extension}`;
}

const KEY = /^images\/\d{4}\/\d{2}\/([0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})\.[a-z]+$/;

/** The row id and write time an image key encodes, or `null` for a key the server did not make. */
export function parseImageKey(key: string): { id: string; writtenAt: number } | null {
  const match = KEY.exec(key);
  return match === null ? null : { id: match[1]!, writtenAt: uuidv7Time(match[1]!) };
}

/** Milliseconds since the epoch in a UUIDv7. */
export function uuidv7Time(id: string): number {
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
