import { ASSET_HASH_PARAM } from './asset-loader.js';
import { ASSET_FILES, ASSET_SHA256, BUNDLED_ASSET_URLS } from './registry.generated.js';

/** Absolute URL of every asset, by asset id. */
export type AssetUrls = Readonly<Record<string, string>>;

/** Hex digits of an asset's sha256 in its URL: 64 bits, plenty to tell two builds of one file apart. */
const URL_HASH_LENGTH = 16;

/**
 * Resolves the URL of every asset on the main thread (workers get absolute URLs only).
 * With `baseUrl`, each asset is `baseUrl + file name` (self-hosting: copy `@emolens/core/assets/` there);
 * without it, the URLs the bundler emitted. Each URL carries the start of the asset's sha256 (`?sha256=…`, see
 * {@link withAssetHash}).
 */
export function resolveAssetUrls(baseUrl?: string | URL): AssetUrls {
  const urls: Record<string, string> = {};
  const base = baseUrl === undefined ? undefined : new URL(String(baseUrl).replace(/\/?$/, '/'), globalThis.location?.href);
  for (const [id, file] of Object.entries(ASSET_FILES)) {
    const url = base ? new URL(file, base).href : BUNDLED_ASSET_URLS[id]!();
    urls[id] = withAssetHash(url, ASSET_SHA256[id]!);
  }
  return urls;
}

/**
 * `url` with the first 16 hex digits of `sha256` in its `sha256` query parameter, so new bytes are a new URL
 * for the HTTP cache and CDNs too (static servers ignore the query). Added here rather than in the bundler's
 * `new URL('…', import.meta.url)`, whose specifier must stay a plain file path for every bundler. `data:` URLs
 * (assets a bundler inlined) hold their bytes already, and `blob:` URLs take no query: both are left as they are.
 */
export function withAssetHash(url: string, sha256: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return url;
  parsed.searchParams.set(ASSET_HASH_PARAM, sha256.slice(0, URL_HASH_LENGTH));
  return parsed.href;
}
