/**
 * Strict base64 decoding. Node's decoder skips what it does not understand; the body schema's `pattern` has already
 * refused any character outside the alphabet (and `=` anywhere but at the end), so what is left to check here is the
 * length, without scanning a megabyte string a second time.
 */
import { ApiError } from '../errors.js';

/**
 * The bytes of standard base64 `text`, whose alphabet the caller has checked (`^[A-Za-z0-9+/]*={0,2}$`, as the
 * `/insert` body schema does). Throws 400 `INVALID_IMAGE` (`invalid_base64`, or `empty`) for an impossible length.
 */
export function decodeBase64(text: string): Buffer {
  const padded = text.endsWith('=');
  // A length of 4n+1 cannot encode anything; padding only completes a group of four.
  if (padded ? text.length % 4 !== 0 : text.length % 4 === 1) {
    throw new ApiError('INVALID_IMAGE', 'image_base64 is not valid base64', {
      kind: 'invalid_base64',
      field: 'image_base64',
      suggestion: 'Send the image as standard base64 (RFC 4648 section 4), without a data: URL prefix or line breaks.',
    });
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0) throw new ApiError('INVALID_IMAGE', 'image_base64 is empty', { kind: 'empty', field: 'image_base64' });
  return bytes;
}
