/**
 * `Retry-After` (RFC 9110 §10.2.3): either a number of seconds or an HTTP date.
 */

/** The longest value taken from a header, in seconds (a year): larger numbers are treated as this. */
const MAX_SECONDS = 365 * 24 * 3600;

/**
 * The wait in ms that a `Retry-After` value asks for, measured from `now` (ms since the epoch): `"120"` → 120000;
 * an HTTP date → the time until it (0 when it has passed). `undefined` for a missing or malformed value (a
 * negative or fractional number, a word, an unparsable date), so the caller falls back to its own backoff.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Math.min(Number(text), MAX_SECONDS) * 1000;
  // An HTTP date always names a weekday or month; Date.parse alone would take "1.5" or "-3" as a year.
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), MAX_SECONDS * 1000);
}
