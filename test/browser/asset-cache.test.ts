/**
 * Cache safety: two versions of the SDK (or two builds of one version) in one browser profile never hand each
 * other cached bytes. The cache is named after the package version, asset URLs carry the start of each
 * asset's sha256, cache keys carry all of it, and only checked bytes are cached.
 *
 * The asset loader runs in the page from source, against a routed URL whose bytes the test switches between
 * "version A" and "version B" (same file name, same length, other bytes); the SDK's own URLs, cache name and
 * cache keys are checked on a real detector.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadProgressEvent } from '@emolens/core';
import { repoRoot } from '../setup/paths.ts';
import { openTestPage, repoUrl, type TestPage } from './harness.ts';
import { wildPhotos } from './photos.ts';

type LoaderModule = typeof import('../../packages/core/src/assets/asset-loader.ts');
type UrlsModule = typeof import('../../packages/core/src/assets/asset-urls.ts');

const coreRoot = join(repoRoot, 'packages', 'core');
const LOADER = repoUrl(join(coreRoot, 'src', 'assets', 'asset-loader.ts'));
const URLS = repoUrl(join(coreRoot, 'src', 'assets', 'asset-urls.ts'));
const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');
/** sha256 of an asset's bytes as the SDK checks them: a shipped `.gz` decompressed. */
const fileSha256 = (file: string) => {
  const bytes = readFileSync(join(coreRoot, 'assets', file));
  return sha256(file.endsWith('.gz') ? gunzipSync(bytes) : bytes);
};

const A = 'weights of version A, '.repeat(64);
const B = 'weights of version B, '.repeat(64);
const SHA = { A: sha256(A), B: sha256(B) };

/** A fresh test page whose context answers `/cache-probe/…` with `served`, recording each request. */
function probePage(): { readonly t: TestPage; readonly base: string; served: string; requests: string[] } {
  let page: TestPage | undefined;
  const probe = {
    get t() {
      if (!page) throw new Error('the test page is not open');
      return page;
    },
    get base() {
      return `${new URL(probe.t.page.url()).origin}/cache-probe/`;
    },
    served: A,
    requests: [] as string[],
  };
  beforeAll(async () => {
    page = await openTestPage();
    await page.context.route('**/cache-probe/**', (route) => {
      probe.requests.push(route.request().url());
      return route.fulfill({ status: 200, body: probe.served, headers: { 'content-type': 'application/octet-stream' } });
    });
  });
  afterAll(async () => {
    await page?.close();
  });
  return probe;
}

/** Loads `url` as the asset `probe` with the loader from source, in the cache `cacheName`. */
function loadProbe(t: TestPage, url: string, cacheName: string, expected?: string) {
  return t.page.evaluate(
    async ({ loader, url, cacheName, expected }) => {
      const m = (await window.loadModule(loader)) as LoaderModule;
      const sources: string[] = [];
      try {
        const load = m.assetLoader({ probe: url }, (e) => e.type === 'asset' && sources.push(e.source), true, cacheName);
        const bytes = await load('probe', expected);
        return { text: new TextDecoder().decode(bytes), source: sources[0] };
      } catch (e) {
        return { error: (e as { code?: string }).code ?? String(e) };
      }
    },
    { loader: LOADER, url, cacheName, expected },
  );
}

/** The URL the SDK would give a file of these bytes: the file name with `?sha256=` and 16 hex digits. */
const hashedUrl = (base: string, file: string, sha: string) => `${base}${file}?sha256=${sha.slice(0, 16)}`;

describe('two versions of one asset in one browser profile', () => {
  const probe = probePage();

  it('version B downloads its own bytes where version A cached others under the same file name, and A keeps its cache', async () => {
    const t = probe.t;
    const urlA = hashedUrl(probe.base, 'model.onnx', SHA.A);
    const urlB = hashedUrl(probe.base, 'model.onnx', SHA.B);
    probe.requests.length = 0;
    probe.served = A;
    expect(await loadProbe(t, urlA, 'emolens-assets-v1.0.0', SHA.A)).toEqual({ text: A, source: 'network' });
    expect(await loadProbe(t, urlA, 'emolens-assets-v1.0.0', SHA.A)).toEqual({ text: A, source: 'cache' });
    probe.served = B; // the release: same file name, new bytes
    expect(await loadProbe(t, urlB, 'emolens-assets-v1.1.0', SHA.B)).toEqual({ text: B, source: 'network' });
    expect(await loadProbe(t, urlB, 'emolens-assets-v1.1.0', SHA.B)).toEqual({ text: B, source: 'cache' });
    // Version A (another tab still on it) still gets its own bytes from its cache: the server has only B now.
    expect(await loadProbe(t, urlA, 'emolens-assets-v1.0.0', SHA.A)).toEqual({ text: A, source: 'cache' });
    expect(probe.requests).toEqual([urlA, urlB]);
  });

  it('within one version, new bytes at the very same URL are downloaded: the cache key carries the sha256', async () => {
    const t = probe.t;
    const url = `${probe.base}same/model.onnx`; // no hash in the URL at all: only the key can tell them apart
    probe.requests.length = 0;
    probe.served = A;
    expect(await loadProbe(t, url, 'emolens-assets-v2.0.0', SHA.A)).toEqual({ text: A, source: 'network' });
    probe.served = B; // a rebuild, or a self-hosted folder updated in place
    expect(await loadProbe(t, url, 'emolens-assets-v2.0.0', SHA.B)).toEqual({ text: B, source: 'network' });
    expect(await loadProbe(t, url, 'emolens-assets-v2.0.0', SHA.B)).toEqual({ text: B, source: 'cache' });
    expect(await loadProbe(t, url, 'emolens-assets-v2.0.0', SHA.A)).toEqual({ text: A, source: 'cache' });
    expect(probe.requests).toEqual([url, url]);
  });

  it('never uses an entry it did not check itself, never caches bytes that fail the check, never caches unhashed assets', async () => {
    const t = probe.t;
    const cacheName = 'emolens-assets-v3.0.0';
    const poisoned = hashedUrl(probe.base, 'poisoned/model.onnx', SHA.B);
    const failing = hashedUrl(probe.base, 'failing/model.onnx', SHA.B);
    const unhashed = hashedUrl(probe.base, 'unhashed/model.onnx', SHA.B);
    // Version A's bytes stored under the key version B's bytes would have, by something other than the loader.
    await t.page.evaluate(
      async ({ loader, cacheName, url, sha, bytes }) => {
        const m = (await window.loadModule(loader)) as LoaderModule;
        await (await caches.open(cacheName)).put(m.assetCacheKey(url, sha)!, new Response(bytes));
      },
      { loader: LOADER, cacheName, url: poisoned, sha: SHA.B, bytes: A },
    );
    probe.served = B;
    expect(await loadProbe(t, poisoned, cacheName, SHA.B)).toEqual({ text: B, source: 'network' });

    probe.served = A; // a server still on the old bytes behind the new URL
    expect(await loadProbe(t, failing, cacheName, SHA.B)).toEqual({ error: 'MODEL_LOAD_FAILED' });
    const stored = await t.page.evaluate(
      async ({ loader, cacheName, url, sha }) => {
        const m = (await window.loadModule(loader)) as LoaderModule;
        return (await (await caches.open(cacheName)).match(m.assetCacheKey(url, sha)!)) !== undefined;
      },
      { loader: LOADER, cacheName, url: failing, sha: SHA.B },
    );
    expect(stored).toBe(false);
    probe.served = B;
    expect(await loadProbe(t, failing, cacheName, SHA.B)).toEqual({ text: B, source: 'network' });

    expect(await loadProbe(t, unhashed, cacheName)).toEqual({ text: B, source: 'network' });
    expect(await loadProbe(t, unhashed, cacheName)).toEqual({ text: B, source: 'network' });
  });
});

describe("other versions' caches", () => {
  const probe = probePage();

  it("deletes a cache no SDK of its version opened for CACHE_IDLE_MS; keeps recent ones, unstamped ones (stamping them) and other apps' caches", async () => {
    const t = probe.t;
    const seeded = await t.page.evaluate(async (loader) => {
      const m = (await window.loadModule(loader)) as LoaderModule;
      const now = Date.now();
      const seed = async (name: string, stamp?: number) => {
        const cache = await caches.open(name);
        await cache.put('https://example.invalid/entry', new Response('bytes'));
        if (stamp !== undefined) await cache.put(m.LAST_USED_KEY, new Response(String(stamp)));
      };
      await seed('emolens-assets-v0.0.1', now - m.CACHE_IDLE_MS - 60_000);
      await seed('emolens-assets-v0.0.2', now - m.CACHE_IDLE_MS + 3_600_000);
      await seed('emolens-assets-v0.0.3');
      await seed('another-app', now - 10 * m.CACHE_IDLE_MS);
      return (await caches.keys()).sort();
    }, LOADER);
    expect(seeded).toEqual(['another-app', 'emolens-assets-v0.0.1', 'emolens-assets-v0.0.2', 'emolens-assets-v0.0.3']);

    probe.served = B;
    expect(await loadProbe(t, hashedUrl(probe.base, 'model.onnx', SHA.B), 'emolens-assets-v1.1.0', SHA.B)).toMatchObject({ text: B });
    // Tidying runs in the background of the first load: wait for it to settle.
    const state = () =>
      t.page.evaluate(async (loader) => {
        const m = (await window.loadModule(loader)) as LoaderModule;
        const names = (await caches.keys()).sort();
        const stamped = await Promise.all(names.map(async (cacheName) => (await caches.match(m.LAST_USED_KEY, { cacheName })) !== undefined));
        return { names, stamped: names.filter((_, i) => stamped[i]) };
      }, LOADER);
    const settled = {
      names: ['another-app', 'emolens-assets-v0.0.2', 'emolens-assets-v0.0.3', 'emolens-assets-v1.1.0'],
      stamped: ['another-app', 'emolens-assets-v0.0.2', 'emolens-assets-v0.0.3', 'emolens-assets-v1.1.0'],
    };
    await expect.poll(state, { timeout: 10_000 }).toEqual(settled);
  });
});

describe('the SDK', () => {
  let t: TestPage;
  beforeAll(async () => {
    t = await openTestPage();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('names its cache after the version in packages/core/package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(coreRoot, 'package.json'), 'utf8')) as { version: string };
    expect(await t.page.evaluate(() => window.emolens.CACHE_NAME)).toBe(`emolens-assets-v${version}`);
  });

  it("puts the start of each asset's sha256 in its URL, runtime files included, bundled or self-hosted; bundled, the optional ones only when given", async () => {
    const baseUrl = `${repoUrl(join(coreRoot, 'assets'))}/`;
    const [bundled, hosted] = await t.page.evaluate(
      async ({ urls, baseUrl }) => {
        const m = (await window.loadModule(urls)) as UrlsModule;
        return [m.resolveAssetUrls(undefined, window.extras.webgpu.assetUrls), m.resolveAssetUrls(baseUrl), m.resolveAssetUrls(undefined)];
      },
      { urls: URLS, baseUrl },
    ).then(([bundled, hosted, plain]) => {
      // Without the optional modules, the bundled URLs are the default assets' only.
      expect(Object.keys(plain!)).toEqual(expect.arrayContaining(['emolens-fer', 'blazeface-short', 'ort-wasm', 'ort-glue']));
      expect(Object.keys(plain!)).not.toEqual(expect.arrayContaining(['ort-wasm-webgpu']));
      expect(Object.keys(plain!)).not.toEqual(expect.arrayContaining(['human-emotion']));
      expect(Object.keys(hosted!)).toEqual(expect.arrayContaining(['human-emotion', 'faceapi-expression', 'emolens-ferplus']));
      return [bundled!, hosted!] as const;
    });
    for (const urls of [bundled, hosted]) {
      expect(Object.keys(urls)).toEqual(expect.arrayContaining(['emolens-fer', 'blazeface-short', 'ort-wasm', 'ort-wasm-webgpu', 'mediapipe-loader', 'mediapipe-wasm']));
      for (const url of Object.values(urls)) {
        const { pathname, searchParams } = new URL(url);
        expect(pathname.startsWith(baseUrl)).toBe(true);
        expect(searchParams.get('sha256'), url).toBe(fileSha256(basename(pathname)).slice(0, 16));
      }
    }
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'models', 'emolens-fer', 'manifest.json'), 'utf8')) as { sha256: string };
    expect(new URL(bundled['emolens-fer']!).searchParams.get('sha256')).toBe(manifest.sha256.slice(0, 16));
  });

  it('loads by those URLs, keys its cache by the whole sha256, and ignores what an older build cached under the same name and file URLs', async () => {
    const files = { 'blazeface-short': 'blazeface-short.onnx.gz', 'emolens-fer': 'emolens-fer-int8.onnx', 'ort-glue': 'ort-wasm-simd-threaded.mjs', 'ort-wasm': 'ort-wasm-simd-threaded.wasm.gz' };
    const origin = new URL(t.page.url()).origin;
    const plainUrls = Object.values(files).map((file) => `${origin}${repoUrl(join(coreRoot, 'assets', file))}`);
    const out = await t.page.evaluate(
      async ({ plainUrls, photo }) => {
        // What the loader before hashed keys stored: the plain file URL as the key, other bytes (a stale build).
        const cache = await caches.open(window.emolens.CACHE_NAME);
        for (const url of plainUrls) await cache.put(url, new Response('bytes of an older build'));
        const events: LoadProgressEvent[] = [];
        const detector = await window.emolens.createDetector({ backend: 'wasm', onProgress: (e) => events.push(e) });
        const faces = (await detector.detect(await (await fetch(photo)).blob())).faces.length;
        detector.dispose();
        const keys = (await cache.keys()).map((r) => r.url);
        return { events, faces, keys };
      },
      { plainUrls, photo: wildPhotos()[20]!.url },
    );
    expect(out.faces).toBe(1);
    const assets = out.events.filter((e) => e.type === 'asset');
    expect(assets.map((e) => [e.asset, e.source]).sort()).toEqual(Object.keys(files).map((id) => [id, 'network']));
    for (const [id, file] of Object.entries(files)) {
      const sha = fileSha256(file);
      const downloads = out.events.filter((e): e is Extract<LoadProgressEvent, { type: 'download' }> => e.type === 'download' && e.asset === id);
      expect(new URL(downloads[0]!.url).searchParams.get('sha256')).toBe(sha.slice(0, 16));
      const key = new URL(downloads[0]!.url);
      key.searchParams.set('sha256', sha);
      expect(out.keys).toContain(key.href);
    }
  });
});
