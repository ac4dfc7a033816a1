import { ASSET_FILES, BUNDLED_ASSET_URLS } from './registry.generated.js';

/** Absolute URL of every asset, by asset id. */
export type AssetUrls = Readonly<Record<string, string>>;

/**
 * Resolves the URL of every asset on the main thread (workers get absolute URLs only).
 * With `baseUrl`, each asset is `baseUrl + file name` (self-hosting: copy `@emolens/core/assets/` there);
 * without it, the URLs the bundler emitted.
 */
export function resolveAssetUrls(baseUrl?: string | URL): AssetUrls {
  const urls: Record<string, string> = {};
  const base = baseUrl === undefined ? undefined : new URL(String(baseUrl).replace(/\/?$/, '/'), globalThis.location?.href);
  for (const [id, file] of Object.entries(ASSET_FILES)) {
    urls[id] = base ? new URL(file, base).href : BUNDLED_ASSET_URLS[id]!();
  }
  return urls;
}
