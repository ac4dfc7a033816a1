import { ASSET_HASH_PARAM } from './asset-loader.js';
import { EmoLensError } from '@emolens/schema';
import type { BackendPreference } from '../options.js';
import type { AssetUrlMap } from './extras.js';
import { ASSET_FILES, ASSET_SHA256, BUNDLED_ASSET_URLS, OPTIONAL_ASSETS } from './registry.generated.js';

/** Absolute URL of every asset, by asset id. */
export type AssetUrls = Readonly<Record<string, string>>;

/** Hex digits of an asset's sha256 in its URL: 64 bits, plenty to tell two builds of one file apart. */
const URL_HASH_LENGTH = 16;

/**
 * The folder `baseUrl` names, resolved against the page's address. Throws a `TypeError` for a string that is no URL
 * and for a URL that cannot hold files by relative name (`data:`, `blob:`, `javascript:`).
 */
export function assetBase(baseUrl: string | URL): URL {
  const base = new URL(String(baseUrl).replace(/\/?$/, '/'), globalThis.location?.href);
  new URL('asset', base);
  return base;
}

/**
 * Resolves the URL of every asset the detector can use, on the main thread (workers get absolute URLs only).
 * With `baseUrl`, each asset is `baseUrl + file name` (self-hosting: copy `@emolens/core/assets/` there, all of
 * it); without it, the URLs the bundler emitted: the default assets', and those of the optional modules given
 * (`extra`). Each URL carries the start of the asset's sha256 (`?sha256=…`, see {@link withAssetHash}).
 */
export function resolveAssetUrls(baseUrl: string | URL | undefined, extra: AssetUrlMap = {}): AssetUrls {
  const urls: Record<string, string> = {};
  const base = baseUrl === undefined ? undefined : assetBase(baseUrl);
  const bundled = { ...BUNDLED_ASSET_URLS, ...extra };
  for (const [id, file] of Object.entries(ASSET_FILES)) {
    const url = base ? new URL(file, base).href : bundled[id]?.();
    if (url !== undefined) urls[id] = withAssetHash(url, ASSET_SHA256[id]!);
  }
  return urls;
}

/**
 * The backend a detector can run on with these assets: `auto` is WASM where the WebGPU runtime is not among them.
 * @throws EmoLensError `BACKEND_UNAVAILABLE` for `webgpu` without the WebGPU runtime.
 */
export function availableBackend(preference: BackendPreference, urls: AssetUrls): BackendPreference {
  const hasWebGpu = OPTIONAL_ASSETS['webgpu']!.every((id) => id in urls);
  if (hasWebGpu || preference === 'wasm') return preference;
  if (preference === 'auto') return 'wasm';
  throw new EmoLensError('BACKEND_UNAVAILABLE', "backend 'webgpu' needs the WebGPU runtime", {
    reason: 'the WebGPU runtime was not given to createDetector',
    suggestion: "import { webgpu } from '@emolens/core/webgpu' and pass createDetector({ backend: 'webgpu', webgpu }), or self-host the assets with baseUrl.",
  });
}

/**
 * Checks that the classifier's model has a URL.
 * @throws EmoLensError `INVALID_REQUEST` (`field: 'classifier'`) for a known classifier given by id whose module was not imported.
 */
export function requireClassifierAsset(classifier: string, urls: AssetUrls): void {
  if (classifier in urls || !(classifier in ASSET_FILES)) return; // an unknown id is refused by the pipeline, listing the known ones
  throw new EmoLensError('INVALID_REQUEST', `The classifier "${classifier}" was given by id, but its model is not in this build`, {
    field: 'classifier',
    reason: 'only the default classifier ships in every build; the others come with their module',
    suggestion: `import the classifier from '@emolens/core/classifiers/${classifier}' and pass it as classifier, or self-host the assets with baseUrl.`,
  });
}

/**
 * `url` with the first 16 hex digits of `sha256` in its `sha256` query parameter, so new bytes are a new URL
 * for the HTTP cache and CDNs too (static servers ignore the query). Added here rather than in the bundler's
 * `new URL('…', import.meta.url)`, whose specifier must stay a plain file path for every bundler. `data:` URLs
 * (assets a bundler inlined) hold their bytes already, and `blob:` URLs take no query: both keep their bytes as they are.
 * A path without an origin is resolved against the page: Next.js's bundlers turn `new URL('…', import.meta.url)`
 * into an object whose `href` is `/_next/static/media/…`.
 */
export function withAssetHash(url: string, sha256: string): string {
  const parsed = new URL(url, globalThis.location?.href);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return parsed.href;
  parsed.searchParams.set(ASSET_HASH_PARAM, sha256.slice(0, URL_HASH_LENGTH));
  return parsed.href;
}
