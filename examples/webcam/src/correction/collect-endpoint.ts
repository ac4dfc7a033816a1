/**
 * Where the demo sends corrections. `pnpm demo` runs the collection server (`@emolens/server`) beside the demo and the
 * demo's dev server forwards `/collect/*` to it (vite.config.ts), so the page talks to its own origin and needs no CORS.
 * `?collect=<url>` points the page at another `/insert`-compatible server (which must then allow this origin); the
 * page names the server beside the consent box, and consent given for one server is not consent for another.
 */

/** The `/insert` URL the uploader posts to. */
export function collectEndpoint(): string {
  const override = new URLSearchParams(location.search).get('collect');
  return override ? override : new URL('/collect/insert', location.href).href;
}

