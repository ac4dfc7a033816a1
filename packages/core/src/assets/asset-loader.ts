/**
 * Asset bytes, from the Cache API or the network.
 *
 * Cache safety: a release must never be handed an older release's (or an older build's) bytes. Three things
 * make sure of it, each on its own:
 * - the cache is named after the package version ({@link CACHE_NAME}), so releases do not share entries;
 * - the cache key of an asset is its URL with its full sha256 in the `sha256` query parameter
 *   ({@link assetCacheKey}), so new bytes are a new key even within one version (a rebuild, a self-hosted
 *   folder updated in place), whatever URL they are served at;
 * - downloads are checked against the sha256 before they are stored, each entry records the digest it was stored
 *   for, and an entry that does not record the expected digest is not used. An asset with no expected sha256 is
 *   never cached. Every shipped asset has one: the models' manifests give it, the build computes the runtime files'.
 *   The one exception to the check is the MediaPipe loader script ({@link UNCHECKED_ASSETS}): keyed by its sha256
 *   like the others, but not compared with it, because dev servers rewrite the scripts they serve.
 *
 * Other versions' caches are deleted once no SDK of that version has opened them for {@link CACHE_IDLE_MS}
 * (see {@link tidyCaches}): not as soon as a newer version opens, because two versions can run at once in one
 * profile (two tabs during a deploy, two apps on one origin), and each would then delete the other's cache on
 * every start and download everything every time.
 */
import { EmoLensError } from '@emolens/schema';
import type { ProgressCallback } from './progress.js';
import { ASSET_SHA256, GZIPPED_ASSETS, PACKAGE_VERSION, UNCHECKED_ASSETS } from './registry.generated.js';

/** Prefix of every EmoLens cache name; the rest is the package version. */
const CACHE_PREFIX = 'emolens-assets-v';

/**
 * Name of the Cache API cache the SDK stores its assets in: `emolens-assets-v<version>`, one per version of
 * `@emolens/core` (the version comes from its package.json, at build time).
 */
export const CACHE_NAME = `${CACHE_PREFIX}${PACKAGE_VERSION}`;

/** The URL query parameter that carries an asset's sha256 (a prefix in asset URLs, all of it in cache keys). */
export const ASSET_HASH_PARAM = 'sha256';

/**
 * Key of the entry in each EmoLens cache that records when an SDK of that version last opened it (the body is
 * the time in ms since the epoch). Not a URL anything is fetched from.
 */
export const LAST_USED_KEY = 'https://emolens.invalid/last-used';

/**
 * How long another version's cache is kept after an SDK of that version last opened it. A version in use
 * re-stamps its cache at most once a day ({@link LAST_USED_KEY}), so only a version unused for a month loses it.
 */
export const CACHE_IDLE_MS = 30 * 24 * 3600_000;
const RESTAMP_MS = 24 * 3600_000;

/** Response header recording the sha256 an entry was stored for (and its bytes checked against, unless unchecked). */
const SHA256_HEADER = 'x-emolens-sha256';

/** Where and how to load one asset. */
export interface AssetRequest {
  /** Asset id used in progress events, e.g. `human-emotion`. */
  id: string;
  /** Absolute URL. */
  url: string;
  /**
   * Expected sha256 (hex): part of the cache key, and checked on every download unless `unchecked`. Without it
   * the asset is neither checked nor cached.
   */
  sha256?: string;
  /**
   * Served bytes may differ from `sha256` (a script a dev server rewrites; see {@link UNCHECKED_ASSETS}): cached
   * under it all the same, so another build's entry still cannot be hit, but not compared with it.
   */
  unchecked?: boolean;
  /** Shipped gzip-compressed (see {@link GZIPPED_ASSETS}): decompressed here, checked and cached uncompressed. */
  gzipped?: boolean;
}

/**
 * Loads an asset's bytes: from the Cache API when an earlier load stored the same bytes (same version, same
 * sha256), else from the network with `download` progress events, checked against `sha256` (unless `unchecked`), then
 * stored in the cache. A fetch failure, an HTTP error or a sha256 mismatch rejects with `MODEL_LOAD_FAILED`.
 * `cacheName` is another version's cache only in tests.
 */
export async function loadAsset(
  request: AssetRequest,
  onProgress: ProgressCallback | undefined,
  useCache: boolean,
  cacheName: string = CACHE_NAME,
): Promise<ArrayBuffer> {
  const key = useCache && request.sha256 ? assetCacheKey(request.url, request.sha256) : undefined;
  const cache = key ? await openCache(cacheName) : undefined;
  if (cache && key) {
    const bytes = await cached(cache, key, request.sha256!);
    if (bytes) {
      onProgress?.({ type: 'asset', asset: request.id, bytes: bytes.byteLength, source: 'cache' });
      return bytes;
    }
  }
  const downloaded = await download(request, onProgress);
  const bytes = request.gzipped ? await gunzip(request, downloaded) : downloaded;
  if (request.sha256 && !request.unchecked) await verify(request, bytes);
  if (cache && key) {
    const headers = { 'content-type': 'application/octet-stream', [SHA256_HEADER]: request.sha256! };
    await cache.put(key, new Response(bytes, { headers })).catch(() => {
      // A full or unavailable cache only costs the next visit a download.
    });
  }
  onProgress?.({ type: 'asset', asset: request.id, bytes: bytes.byteLength, source: 'network' });
  return bytes;
}

/**
 * Loads assets by id from a table of URLs (see {@link loadAsset}). `sha256` defaults to the one this build
 * ships for the id, so every shipped asset, runtime wasm included, is cached by its digest (and checked against
 * it, but for {@link UNCHECKED_ASSETS}).
 */
export type AssetLoad = (id: string, sha256?: string) => Promise<ArrayBuffer>;

/**
 * An {@link AssetLoad} over `urls`; an id with no URL rejects with `MODEL_LOAD_FAILED`. `cacheName` is another
 * version's cache only in tests.
 */
export function assetLoader(
  urls: Readonly<Record<string, string>>,
  onProgress: ProgressCallback | undefined,
  useCache: boolean,
  cacheName: string = CACHE_NAME,
): AssetLoad {
  return async (id, sha256 = ASSET_SHA256[id]) => {
    const url = urls[id];
    if (!url) throw new EmoLensError('MODEL_LOAD_FAILED', `No URL for the asset "${id}"`, { asset: id });
    const unchecked = UNCHECKED_ASSETS.includes(id);
    const gzipped = GZIPPED_ASSETS.includes(id);
    return loadAsset({ id, url, ...(sha256 ? { sha256 } : {}), ...(unchecked ? { unchecked } : {}), ...(gzipped ? { gzipped } : {}) }, onProgress, useCache, cacheName);
  };
}

/**
 * The Cache API key of an asset: its URL with the whole sha256 in {@link ASSET_HASH_PARAM} (replacing the
 * prefix an asset URL carries). `undefined` for URLs the Cache API cannot key (`data:`, `blob:`).
 */
export function assetCacheKey(url: string, sha256: string): string | undefined {
  let key: URL;
  try {
    key = new URL(url);
  } catch {
    return undefined; // not absolute: nothing to key by (the download reports the bad URL)
  }
  if (key.protocol !== 'http:' && key.protocol !== 'https:') return undefined;
  key.searchParams.set(ASSET_HASH_PARAM, sha256);
  return key.href;
}

/** The cached bytes under `key` if the entry records that they were checked against `sha256`. */
async function cached(cache: Cache, key: string, sha256: string): Promise<ArrayBuffer | undefined> {
  try {
    const response = await cache.match(key);
    // The key already names the digest; the header rules out entries this loader did not store itself.
    if (response?.headers.get(SHA256_HEADER) !== sha256) return undefined;
    return await response.arrayBuffer();
  } catch {
    return undefined; // an unreadable entry is downloaded again (and replaced)
  }
}

/** Open caches of this realm, by name (each opened, and tidied, once). */
const openCaches = new Map<string, Promise<Cache | undefined>>();

function openCache(name: string): Promise<Cache | undefined> {
  let cache = openCaches.get(name);
  if (!cache) {
    cache = (async () => {
      try {
        return typeof caches === 'undefined' ? undefined : await caches.open(name);
      } catch {
        return undefined; // opaque origins and some private modes have no Cache API
      }
    })();
    openCaches.set(name, cache);
    // In the background: tidying must never delay or fail a load.
    void cache.then((c) => c && tidyCaches(c, name)).catch(() => undefined);
  }
  return cache;
}

/**
 * Stamps `own` as used now (at most once a day) and deletes the EmoLens caches of other versions that no SDK has
 * opened for {@link CACHE_IDLE_MS}. A cache with no stamp (made by a version before stamps) gets one now, so
 * it lasts that long from here. Deleting is safe even if a detector of that version is still loading: the
 * handle it holds keeps working (Cache API), and keys carry the sha256, so the worst case is a download.
 */
async function tidyCaches(own: Cache, ownName: string): Promise<void> {
  const now = Date.now();
  const stamp = () => new Response(String(now), { headers: { 'content-type': 'text/plain' } });
  const ownUsed = await lastUsed(ownName);
  if (ownUsed === undefined || now - ownUsed >= RESTAMP_MS) await own.put(LAST_USED_KEY, stamp());
  for (const name of await caches.keys()) {
    if (name === ownName || !name.startsWith(CACHE_PREFIX)) continue;
    const used = await lastUsed(name);
    if (used === undefined) await (await caches.open(name)).put(LAST_USED_KEY, stamp());
    else if (now - used > CACHE_IDLE_MS) await caches.delete(name);
  }
}

/** When an SDK last opened the cache `name` (`undefined`: never stamped, or no such cache). */
async function lastUsed(name: string): Promise<number | undefined> {
  // caches.match with cacheName does not create the cache, unlike caches.open.
  const response = await caches.match(LAST_USED_KEY, { cacheName: name });
  const time = response ? Number(await response.text()) : NaN;
  return Number.isFinite(time) ? time : undefined;
}

async function download(request: AssetRequest, onProgress: ProgressCallback | undefined): Promise<ArrayBuffer> {
  let response: Response;
  try {
    response = await fetch(request.url);
  } catch (cause) {
    throw loadError(request, `the request failed (${String(cause)})`, cause);
  }
  if (!response.ok || !response.body) throw loadError(request, `the server answered HTTP ${response.status}`);
  const header = Number(response.headers.get('content-length'));
  const total = Number.isFinite(header) && header > 0 && !response.headers.get('content-encoding') ? header : null;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress?.({ type: 'download', asset: request.id, url: request.url, loaded, total });
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes.buffer;
}

/**
 * The bytes of a gzip-compressed asset, decompressed. A server that labels `.gz` files `Content-Encoding: gzip`
 * has the browser decompress them already: bytes without the gzip magic number are taken as they are.
 */
async function gunzip(request: AssetRequest, bytes: ArrayBuffer): Promise<ArrayBuffer> {
  const head = new Uint8Array(bytes, 0, Math.min(2, bytes.byteLength));
  if (head[0] !== 0x1f || head[1] !== 0x8b) return bytes;
  try {
    return await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
  } catch (cause) {
    throw loadError(request, `its gzip data is corrupt (${String(cause)})`, cause);
  }
}

async function verify(request: AssetRequest, bytes: ArrayBuffer): Promise<void> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  if (hex !== request.sha256) throw loadError(request, `its sha256 is ${hex}, expected ${request.sha256}`);
}

function loadError(request: AssetRequest, reason: string, cause?: unknown): EmoLensError {
  return new EmoLensError(
    'MODEL_LOAD_FAILED',
    `Could not load the asset "${request.id}" from ${request.url}`,
    { reason, suggestion: 'Check that the assets are served at the configured baseUrl.', asset: request.id, url: request.url },
    { cause },
  );
}
