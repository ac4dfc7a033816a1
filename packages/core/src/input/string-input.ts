/**
 * How a string input is read: decided from the text alone, before anything is decoded or fetched.
 *
 * The rules, in order:
 * 1. `data:` URL → its bytes (base64 or percent-encoded).
 * 2. With `dataOnly` (a WIA `image_base64`) → base64, whatever it looks like.
 * 3. `http:`, `https:`, `blob:` URL → fetched.
 * 4. Any other `scheme:` (`javascript:`, `file:`, …) → refused. Base64 never holds a `:`.
 * 5. A path that is also valid base64 (`/9j/…` is both: base64 of a JPEG starts with it) → base64 if it decodes
 *    to a known image, fetched otherwise. This is `ambiguous`.
 * 6. Text that cannot be base64 but is a relative URL (`img/face.jpg`, `./a.png?v=2`, `face.webp`: it holds a `.`,
 *    `?`, `#` or `%`, or starts with `/`, `./`, `../`, and has no whitespace) → fetched, relative to the page.
 * 7. Anything else → base64 (and `INVALID_IMAGE` `invalid_base64` when it is not).
 */
export type StringReading = 'data-url' | 'base64' | 'fetch' | 'refused-scheme' | 'ambiguous';

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const FETCHED_SCHEME = /^(https?:|blob:)/i;
const ANY_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const PATH_START = /^(\/|\.\.?\/)/;
const NOT_BASE64_URL_CHAR = /[.?#%]/;

export function readingOf(trimmed: string, dataOnly: boolean): StringReading {
  if (/^data:/i.test(trimmed)) return 'data-url';
  if (dataOnly) return 'base64';
  if (FETCHED_SCHEME.test(trimmed)) return 'fetch';
  if (ANY_SCHEME.test(trimmed)) return 'refused-scheme';
  if (/\s/.test(trimmed)) return 'base64'; // wrapped base64 has line breaks; a URL reference never has whitespace
  const base64 = BASE64.test(trimmed);
  if (PATH_START.test(trimmed)) return base64 ? 'ambiguous' : 'fetch';
  if (!base64 && NOT_BASE64_URL_CHAR.test(trimmed)) return 'fetch';
  return 'base64';
}
