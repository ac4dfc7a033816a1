/**
 * How a consent prompt names the server an uploader sends to, so a user agrees to one server by name: a link that
 * points the app at another server (a `?collect=` parameter, say) then shows another name.
 */
import { resolveEndpoint } from './options.js';

/**
 * Names `endpoint` for a person: `"this site (/collect/insert)"` when it is on the page's own origin, else its host
 * and path (`"collect.example.com/insert"`). Query, fragment and credentials are left out.
 *
 * @param endpoint - the uploader's endpoint (absolute, or relative to `page`)
 * @param page - the page's URL; defaults to `location.href`
 * @throws EmoLensError `INVALID_REQUEST` (`details.field: 'endpoint'`) when `endpoint` is not an http(s) URL.
 *
 * @example
 * ```ts
 * consentLabel.textContent = `Send my corrections to ${describeEndpoint(uploader.options.endpoint)}`;
 * ```
 */
export function describeEndpoint(endpoint: string, page?: string): string {
  const base = page ?? (globalThis as { location?: { href: string } }).location?.href;
  const url = new URL(resolveEndpoint(endpoint, base));
  const own = base !== undefined && new URL(base).origin === url.origin;
  return own ? `this site (${url.pathname})` : `${url.host}${url.pathname}`;
}
