/**
 * Issue 15, part 1: the SDK as a consumer gets it — packed tarballs installed with npm into apps outside the
 * workspace, built by Vite 8 (default `iife` worker format), Vite 7 (ES module workers), webpack 5, esbuild (with
 * the README's copies of the workers and assets) and no bundler at all — starts on a cross-origin isolated page (WASM threads), analyses a photo and runs the face mesh; each app
 * also sends a correction through `@emolens/uploader` and trains `@emolens/personalise` in its worker (the page
 * with no bundler through the packages' `/browser` builds). A start that hangs fails the test at its timeout: the
 * bug this guards against was an endless `createDetector()`.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startStaticServer } from '../bench/server.ts';
import { repoRoot, requireData } from '../setup/paths.ts';
import { APPS, buildApp, filesOf, packTarballs } from './consumer-app.ts';

const PHOTO = 'happy/Karin_Stoiber_0002.jpg';
const validateInsert = (() => {
  const ajv = new Ajv2020({ strict: true });
  const schema = (name: string) => JSON.parse(readFileSync(join(repoRoot, 'packages', 'schema', 'schemas', `${name}.schema.json`), 'utf8')) as object;
  ajv.addSchema(schema('wia-face-result'), 'wia-face-result.schema.json');
  return ajv.compile(schema('wakee-insert-request'));
})();
const assetBytes = (file: string) => statSync(join(repoRoot, 'packages', 'core', 'assets', file)).size;
let browser: Browser;
let tarballs: string[];
let workDir: string;

beforeAll(async () => {
  browser = await chromium.connect(inject('browserEndpoint'));
  tarballs = packTarballs();
  workDir = mkdtempSync(join(tmpdir(), 'emolens-apps-'));
}, 120_000);
afterAll(async () => {
  await browser?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe.each(APPS)('a consumer app built with $name', (spec) => {
  it('starts on a cross-origin isolated page with 2 WASM threads and finds the face', async () => {
    const served = buildApp(spec, tarballs, workDir);
    if (spec.emitsAssets) {
      // A build holds only the assets an app on the default options can use: no WebGPU runtime, no other classifier.
      const files = filesOf(served);
      const mb = files.reduce((sum, f) => sum + f.bytes, 0) / 1e6;
      console.log(`${spec.name} dist/: ${files.length} files, ${mb.toFixed(1)} MB`);
      // webpack names emitted assets by hash: each asset is told by its exact size.
      const sizes = new Set(files.map((f) => f.bytes));
      for (const file of ['ort-wasm-simd-threaded.asyncify.wasm.gz', 'ort-wasm-simd-threaded.asyncify.mjs', 'human-emotion.onnx', 'faceapi-expression.onnx.gz', 'emolens-ferplus-int8.onnx']) {
        expect(sizes.has(assetBytes(file)), `${file} is not in the build`).toBe(false);
      }
      for (const file of ['ort-wasm-simd-threaded.wasm.gz', 'blazeface-short.onnx.gz', 'emolens-fer-int8.onnx']) {
        expect(sizes.has(assetBytes(file)), `${file} is in the build`).toBe(true);
      }
    }
    const server = await startStaticServer([
      { prefix: '/', dir: served },
      { prefix: '/photos/', dir: join(requireData(), 'wild') },
    ]);
    const context = await browser.newContext();
    try {
      // The page's `/insert`, answered as a collection server would, recording what the uploader sent.
      const inserts: { key: string | undefined; body: unknown }[] = [];
      await context.route('**/insert', async (route) => {
        inserts.push({ key: route.request().headers()['idempotency-key'], body: route.request().postDataJSON() });
        await route.fulfill({ status: 201, json: { status: 'success', id: String(inserts.length), created_at: new Date().toISOString() } });
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${server.origin}/index.html?photo=/photos/${PHOTO}`);
      const result = await page.evaluate(() => (window as unknown as { result: Promise<unknown> }).result);
      expect(result).toMatchObject({ ok: true, faces: 1, mesh: 468, isolated: true, threads: 2, video: { frames: 1, faces: 1, notAVideo: 'not_a_video' } });
      // The uploader: one correction queued, sent once under its id, in the Wakee body.
      const uploaded = (await page.evaluate(() => (window as unknown as { uploaded: Promise<{ id: string }> }).uploaded)) as { id: string };
      expect(uploaded).toMatchObject({ flushed: 'empty', queued: 0, dead: 0 });
      expect(inserts).toHaveLength(1);
      expect(inserts[0]!.key).toBe(uploaded.id);
      expect(validateInsert(inserts[0]!.body), JSON.stringify(validateInsert.errors)).toBe(true);
      expect(inserts[0]!.body).toMatchObject({ user_engagement: 3, predicted_engagement: 2, user_emotion: 'neutral' });
      // Personalisation: tfjs trains in the package's worker, as the app's bundler built it or as the browser build ships.
      const personalised = (await page.evaluate(() => (window as unknown as { personalised: Promise<unknown> }).personalised)) as { bored: number; awake: number };
      expect(personalised).toMatchObject({ trained: 20, backend: 'cpu', same: true });
      expect(personalised.bored).toBeGreaterThan(2);
      expect(personalised.awake).toBeLessThan(1.5);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      await server.close();
    }
  }, 240_000);
});
