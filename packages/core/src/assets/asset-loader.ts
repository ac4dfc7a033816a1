import { EmoLensError } from '@emolens/schema';
import type { ProgressCallback } from './progress.js';

/** Name of the Cache API cache the SDK stores its assets in (one per SDK version). */
export const CACHE_NAME = 'emolens-assets-v0.1.0';

/** Where and how to load one asset. */
export interface AssetRequest {
  /** Asset id used in progress events, e.g. `human-emotion`. */
  id: string;
  /** Absolute URL. */
  url: string;
  /** Expected sha256 (hex), checked when the bytes come from the network. */
  sha256?: string;
}

/**
 * Loads an asset's bytes: from the Cache API when a previous visit stored it, else from the network with
 * `download` progress events; then stores it in the cache. A fetch failure, an HTTP error or a sha256
 * mismatch rejects with `MODEL_LOAD_FAILED`.
 */
export async function loadAsset(request: AssetRequest, onProgress: ProgressCallback | undefined, useCache: boolean): Promise<ArrayBuffer> {
  const cache = useCache ? await openCache() : undefined;
  const cached = await cache?.match(request.url);
  if (cached) {
    const bytes = await cached.arrayBuffer();
    onProgress?.({ type: 'asset', asset: request.id, bytes: bytes.byteLength, source: 'cache' });
    return bytes;
  }
  const bytes = await download(request, onProgress);
  if (request.sha256) await verify(request, bytes);
  await cache?.put(request.url, new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } })).catch(() => {
    // A full or unavailable cache only costs the next visit a download.
  });
  onProgress?.({ type: 'asset', asset: request.id, bytes: bytes.byteLength, source: 'network' });
  return bytes;
}

/** Loads assets by id from a table of URLs (see {@link loadAsset}); `sha256`, when given, is checked. */
export type AssetLoad = (id: string, sha256?: string) => Promise<ArrayBuffer>;

/** An {@link AssetLoad} over `urls`; an id with no URL rejects with `MODEL_LOAD_FAILED`. */
export function assetLoader(urls: Readonly<Record<string, string>>, onProgress: ProgressCallback | undefined, useCache: boolean): AssetLoad {
  return async (id, sha256) => {
    const url = urls[id];
    if (!url) throw new EmoLensError('MODEL_LOAD_FAILED', `No URL for the asset "${id}"`, { asset: id });
    return loadAsset({ id, url, ...(sha256 ? { sha256 } : {}) }, onProgress, useCache);
  };
}

async function openCache(): Promise<Cache | undefined> {
  try {
    return typeof caches === 'undefined' ? undefined : await caches.open(CACHE_NAME);
  } catch {
    return undefined; // opaque origins and some private modes have no Cache API
  }
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
