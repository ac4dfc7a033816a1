/**
 * Bytes to standard base64 and back, and the base64 inside a `data:` URL; with `btoa`/`atob`, in the page or in Node.
 */
import { EmoLensError } from '@emolens/schema';

/** Standard base64 (no `data:` prefix) of `bytes`. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunks keep String.fromCharCode's argument count under the engines' limits.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * The bytes of a base64 string or a base64 `data:` URL (`data:image/jpeg;base64,…`); whitespace is ignored, and
 * URL-safe base64 (`-`, `_`) is accepted. Throws `INVALID_IMAGE` (`details.kind`: `empty`, `invalid_base64`).
 */
export function base64ToBytes(text: string): Uint8Array {
  let payload = text;
  if (/^data:/i.test(payload)) {
    const comma = payload.indexOf(',');
    if (comma < 0 || !/;base64$/i.test(payload.slice(0, comma))) {
      throw new EmoLensError('INVALID_IMAGE', 'The data URL is not base64-encoded', { kind: 'invalid_base64', reason: 'a data: URL without ;base64' });
    }
    payload = payload.slice(comma + 1);
  }
  payload = payload.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  if (payload === '') throw new EmoLensError('INVALID_IMAGE', 'The image string is empty', { kind: 'empty' });
  const bare = payload.replace(/={1,2}$/, '');
  if (!/^[A-Za-z0-9+/]+$/.test(bare) || bare.length % 4 === 1) {
    throw new EmoLensError('INVALID_IMAGE', 'The image string is not valid base64', { kind: 'invalid_base64' });
  }
  const binary = atob(bare.padEnd(Math.ceil(bare.length / 4) * 4, '='));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
