/**
 * The WebGPU path, on Chromium's software adapter (SwiftShader on Vulkan): correctness only — it is far
 * slower than WASM, which is why `auto` never picks a fallback adapter.
 */
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, WEBGPU_CHROMIUM_ARGS } from '../setup/chromium.ts';
import { openTestPage, type TestPage } from './harness.ts';
import { wildPhotos } from './photos.ts';

let browser: Browser;
let t: TestPage;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: WEBGPU_CHROMIUM_ARGS, headless: true });
  t = await openTestPage({ browser });
});
afterAll(async () => {
  await t?.close();
  await browser?.close();
});

describe('WebGPU', () => {
  it('has a software adapter here, marked as a fallback adapter', async () => {
    const adapter = await t.page.evaluate(async () => {
      const a = await navigator.gpu?.requestAdapter();
      return a ? { fallback: (a as GPUAdapter & { info: { isFallbackAdapter?: boolean } }).info.isFallbackAdapter ?? false } : null;
    });
    expect(adapter).toEqual({ fallback: true });
  });

  // The default classifier is int8 (WASM fuses it into integer kernels, WebGPU runs dequantised float ones: the
  // start-up self-check, on its schematic face, allows quantised models 1e-2); on a real face both agree to 1e-3.
  it.each([
    ['emolens-fer', 'int8'],
    ['human-emotion', 'float'],
  ] as const)('runs %s (%s) on WebGPU when forced, passing the self-check, with the WASM result to 1e-3', async (classifier, _kind) => {
    const url = wildPhotos()[5]!.url;
    const out = await t.page.evaluate(async ({ url, classifier }) => {
      const blob = await (await fetch(url)).blob();
      const module = classifier === 'emolens-fer' ? classifier : window.extras.classifiers[classifier]!;
      const gpu = await window.emolens.createDetector({ backend: 'webgpu', webgpu: window.extras.webgpu, classifier: module, cache: false });
      const onGpu = await gpu.detect(blob);
      gpu.dispose();
      const cpu = await window.emolens.createDetector({ backend: 'wasm', classifier: module, cache: false });
      const onCpu = await cpu.detect(blob);
      cpu.dispose();
      return { backend: gpu.backend, gpu: onGpu.faces[0]!.emotions.all, cpu: onCpu.faces[0]!.emotions.all };
    }, { url, classifier });
    expect(out.backend).toBe('webgpu');
    expect(out.gpu[0]!.label).toBe(out.cpu[0]!.label);
    const diffs = out.gpu.map((score) => Math.abs(out.cpu.find((s) => s.label === score.label)!.confidence - score.confidence));
    console.log(`${classifier} on WebGPU vs WASM: max |Δp| ${Math.max(...diffs).toExponential(2)}`);
    for (const d of diffs) expect(d).toBeLessThan(1e-3);
  });

  it('picks WASM in auto mode when the only adapter is a software fallback', async () => {
    const backend = await t.page.evaluate(async () => {
      const detector = await window.emolens.createDetector({ cache: false, webgpu: window.extras.webgpu });
      detector.dispose();
      return detector.backend;
    });
    expect(backend).toBe('wasm');
  });

  it('runs WASM without the WebGPU module, and refuses a forced webgpu backend without it', async () => {
    const out = await t.page.evaluate(async () => {
      const auto = await window.emolens.createDetector({ cache: false });
      auto.dispose();
      const forced = await window.emolens.createDetector({ backend: 'webgpu' }).then(
        () => undefined,
        (e: { code: string; details: { suggestion?: string } }) => ({ code: e.code, suggestion: e.details.suggestion }),
      );
      return { auto: auto.backend, forced };
    });
    expect(out).toMatchObject({ auto: 'wasm', forced: { code: 'BACKEND_UNAVAILABLE', suggestion: expect.stringContaining("'@emolens/core/webgpu'") } });
  });
});
