import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataUrl, openTestPage, type TestPage } from './harness.ts';

let t: TestPage;
beforeAll(async () => {
  t = await openTestPage();
});
afterAll(async () => {
  await t?.close();
});

describe('smoke', () => {
  it('detects a face in a wild photo', async () => {
    const out = await t.page.evaluate(async (url) => {
      const events: unknown[] = [];
      const started = performance.now();
      const detector = await window.emolens.createDetector({ onProgress: (e) => events.push(e) });
      const created = performance.now() - started;
      const blob = await (await fetch(url)).blob();
      const result = await detector.detect(blob);
      const again = await detector.profile(blob);
      detector.dispose();
      return { result, created, backend: detector.backend, timings: again.timings, events: events.filter((e: any) => e.type !== 'download') };
    }, dataUrl('wild/happy/Arnoldo_Aleman_0005.jpg')).catch((e) => { console.log(t.logs.join('\n')); throw e; });
    console.log(JSON.stringify(out, null, 1).slice(0, 3000));
    expect(out.result.faces.length).toBe(1);
  });
});
