/**
 * The wild set end to end: each classifier inside the real SDK (detection, alignment, crop, classifier,
 * in its worker) in headless Chromium, on the 96 labelled photos of `<data>/wild`. A photo where no face is
 * found counts as a miss.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { toWia, WIA_EMOTIONS, type WiaEmotion } from '../../packages/schema/src/index.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../setup/chromium.ts';
import { requireData } from '../setup/paths.ts';
import { testPageConfig } from '../setup/test-page-config.ts';
import { confusion, macroF1, type Confusion } from './metrics.ts';

/** Figures of one classifier on the wild set. */
export interface WildFigures {
  photos: number;
  /** Photos with a face found. */
  found: number;
  /** Correct primary label / all photos. */
  accuracy: number;
  /** Macro-F1 over the photos with a face found. */
  macroF1: number;
  confusion: Confusion;
}

/** Scores each classifier on the wild photos through the SDK. */
export async function evaluateWild(classifiers: string[]): Promise<Record<string, WildFigures>> {
  const root = join(requireData(), 'wild');
  const rows = readFileSync(join(root, 'labels.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
  const photos = rows.map(([file, label]) => ({ url: `/@fs${root}/${file}`, truth: toWia('fer2013', label!) }));
  const server = await createServer(testPageConfig());
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('the eval page server did not start');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${address.port}/index.html`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 60_000 });
    const out: Record<string, WildFigures> = {};
    for (const name of classifiers) {
      const predicted = await page.evaluate(
        async ({ name, urls }) => {
          const detector = await window.emolens.createDetector({ classifier: window.extras.classifiers[name] ?? name, backend: 'wasm' });
          const labels: (string | null)[] = [];
          for (const url of urls) labels.push((await detector.detect(await (await fetch(url)).blob())).faces[0]?.emotions.primary.label ?? null);
          detector.dispose();
          return labels;
        },
        { name, urls: photos.map((p) => p.url) },
      );
      const index = (label: WiaEmotion) => WIA_EMOTIONS.indexOf(label);
      const found = photos.map((p, i) => ({ truth: index(p.truth), predicted: predicted[i] })).filter((p) => p.predicted !== null);
      const matrix = confusion(found.map((p) => p.truth), found.map((p) => index(p.predicted as WiaEmotion)), WIA_EMOTIONS.length);
      const correct = found.filter((p) => p.truth === index(p.predicted as WiaEmotion)).length;
      out[name] = { photos: photos.length, found: found.length, accuracy: correct / photos.length, macroF1: macroF1(matrix), confusion: matrix };
    }
    return out;
  } finally {
    await browser.close();
    await server.close();
  }
}
