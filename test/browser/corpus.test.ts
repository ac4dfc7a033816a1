/**
 * Issue 3's corpus of bad and odd inputs, through the real SDK in Chromium: each input ends in its exact
 * error code (and kind, and field) or in the right result, and the next valid call succeeds. Also records
 * the longest main-thread task while the corpus runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { buildCorpus, type CorpusEntry } from '../fixtures/corpus.ts';
import { repoRoot } from '../setup/paths.ts';
import { openTestPage, repoUrl, type TestPage } from './harness.ts';

const dir = join(repoRoot, 'test', '.artifacts', 'corpus');
const corpus = buildCorpus(dir);

type Result =
  | { ok: true; faces: { x: number; y: number; width: number; height: number }[]; width: number; height: number }
  | { ok: false; code: string; kind?: string; field?: string };
/** The result of the entry, and the number of faces the valid call after it found. */
type Outcome = Result & { next: number };

let t: TestPage;
let outcomes: Map<string, Outcome>;
let longestTask = 0;
let calibration = 0;

beforeAll(async () => {
  t = await openTestPage();
  const result = await t.page.evaluate(
    async ({ entries, base, origin, other }) => {
      let longest = 0;
      new PerformanceObserver((list) => list.getEntries().forEach((e) => (longest = Math.max(longest, e.duration)))).observe({ type: 'longtask', buffered: true });
      const detector = await window.emolens.createDetector({ backend: 'wasm' });
      const faceBlob = async () => (await fetch(`${base}/face.jpg`)).blob();
      const out: Record<string, Outcome> = {};
      for (const entry of entries as CorpusEntry[]) {
        const input = entry.input;
        let value: unknown;
        let size: [number, number] = [480, 360];
        if ('text' in input) value = input.text.replace('{base}', `${origin}${base}`).replace('{path}', base).replace('{relative}', base.slice(1)).replace('{other}', other);
        else if ('page' in input) {
          if (input.page === 'webp') {
            const bitmap = await createImageBitmap(await faceBlob());
            const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
            canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
            value = await canvas.convertToBlob({ type: 'image/webp', quality: 0.9 });
          } else if (input.page === 'resizable-buffer' || input.page === 'blob-subclass' || input.page === 'blob-proxy') {
            const bytes = new Uint8Array(await (await faceBlob()).arrayBuffer());
            const Resizable = ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ArrayBuffer;
            const resizable = new Resizable(bytes.length, { maxByteLength: bytes.length * 2 });
            new Uint8Array(resizable).set(bytes);
            const hostile = class extends Blob {
              override slice(): Blob { throw new Error('hostile slice'); }
              override arrayBuffer(): Promise<ArrayBuffer> { throw new Error('hostile arrayBuffer'); }
              override stream(): ReadableStream<Uint8Array<ArrayBuffer>> { throw new Error('hostile stream'); }
            };
            value = { 'resizable-buffer': resizable, 'blob-subclass': new hostile([bytes]), 'blob-proxy': new Proxy(new Blob([bytes]), {}) }[input.page];
          } else if (input.page === 'throwing-proxy' || input.page === 'revoked-proxy') {
            const trap = () => { throw new Error('hostile trap'); };
            const revocable = Proxy.revocable({}, {});
            revocable.revoke();
            value = input.page === 'revoked-proxy' ? revocable.proxy : new Proxy({}, { get: trap, has: trap, ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap });
          } else value = { null: null, 'empty-string': '', number: 42, object: { image: 'nope' }, 'zero-canvas': document.createElement('canvas'), 'fake-canvas': Object.create(HTMLCanvasElement.prototype) }[input.page];
          if (input.page === 'zero-canvas') Object.assign(value as HTMLCanvasElement, { width: 0, height: 0 });
        } else {
          value = await (await fetch(`${base}/${input.file}`)).blob();
          try {
            const shown = await createImageBitmap(value as Blob, { imageOrientation: 'from-image' });
            size = [shown.width, shown.height];
            shown.close();
          } catch {
            // not decodable: size is not needed
          }
        }
        const options = 'options' in input ? input.options : {};
        let outcome: Result;
        try {
          const result = await detector.detect(value as Blob, options);
          outcome = { ok: true, faces: result.faces.map((f) => f.bbox), width: size[0], height: size[1] };
        } catch (e) {
          const error = e as { code: string; details: { kind?: string; field?: string } };
          outcome = { ok: false, code: error.code, ...(error.details.kind ? { kind: error.details.kind } : {}), ...(error.details.field ? { field: error.details.field } : {}) };
        }
        const next = (await detector.detect(await faceBlob())).faces.length;
        out[entry.name] = { ...outcome, next };
      }
      detector.dispose();
      await new Promise((r) => setTimeout(r, 100));
      const corpusLongest = longest;
      // Calibration: a deliberate 80 ms block must be seen, or the figure above means nothing.
      const end = performance.now() + 80;
      while (performance.now() < end);
      await new Promise((r) => setTimeout(r, 100));
      return { out, longest: corpusLongest, calibration: longest };
    },
    { entries: corpus, base: repoUrl(dir), origin: inject('pageOrigin'), other: inject('isolatedOrigin') },
  );
  outcomes = new Map(Object.entries(result.out));
  longestTask = result.longest;
  calibration = result.calibration;
  const codes: Record<string, number> = {};
  for (const o of outcomes.values()) codes[o.ok ? 'ok' : o.code] = (codes[o.ok ? 'ok' : o.code] ?? 0) + 1;
  mkdirSync(join(repoRoot, 'test', '.artifacts'), { recursive: true });
  writeFileSync(join(repoRoot, 'test', '.artifacts', 'corpus-summary.json'), JSON.stringify({ inputs: outcomes.size, codes, longestMainThreadTaskMs: longestTask }, null, 2));
});
afterAll(async () => {
  await t?.close();
});

describe('the corpus of bad and odd inputs', () => {
  it('runs with a main-thread long-task observer that works (an 80 ms block is seen)', () => {
    expect(calibration).toBeGreaterThanOrEqual(80);
    expect(longestTask).toBeLessThan(calibration);
  });

  it('has at least 40 inputs', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
  });

  it.each(corpus.map((e) => [e.name, e] as const))('%s', (_, entry) => {
    const outcome = outcomes.get(entry.name)!;
    expect(outcome, 'the page ran it').toBeDefined();
    const { expect: wanted } = entry;
    if ('code' in wanted) {
      expect(outcome).toMatchObject({ ok: false, code: wanted.code, ...(wanted.kind ? { kind: wanted.kind } : {}), ...(wanted.field ? { field: wanted.field } : {}) });
    } else if ('faces' in wanted) {
      expect(outcome.ok && outcome.faces.length).toBe(wanted.faces);
    } else {
      expect(outcome.ok && outcome.faces.length).toBe(1);
      if (!outcome.ok) return;
      const box = outcome.faces[0]!;
      expect(Math.abs((box.x + box.width / 2) / outcome.width - wanted.faceAt[0])).toBeLessThan(0.08);
      expect(Math.abs((box.y + box.height / 2) / outcome.height - wanted.faceAt[1])).toBeLessThan(0.1);
    }
    // The next valid call works.
    expect(outcome.next).toBe(1);
  });
});
