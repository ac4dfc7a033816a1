/**
 * `pnpm bench --dense`: faces found and time spent on dense images (issue 14): the 6×5 portrait grid
 * (`fixtures/portrait-grid.ts`, 30 faces), a 4×3 grid of 500 px cells (12 faces) and the six group photos,
 * each analysed `calls` times. Tiled passes are timed inside the call (`timings.tilesMs`), so the cost of
 * tiling is measured on the very call that paid it.
 */
import type { Page } from 'playwright-core';
import type { DenseImage, DenseResult } from './page/api.ts';
import { summarize } from './stats.ts';

const median = (values: number[]) => summarize(values).p50;

export interface DenseResults {
  date: string;
  calls: number;
  images: (Omit<DenseResult, 'samples'> & { totalMs: number; findMs: number; tilesMs: number })[];
}

export async function denseRecall(page: Page, images: DenseImage[], calls: number): Promise<Omit<DenseResults, 'date'>> {
  const raw = await page.evaluate(([images, calls]) => window.bench.dense(images, calls), [images, calls] as const);
  return {
    calls,
    images: raw.map(({ samples, ...rest }) => ({
      ...rest,
      totalMs: Math.round(median(samples.map((s) => s.total))),
      findMs: Math.round(median(samples.map((s) => s.landmarks))),
      tilesMs: Math.round(median(samples.map((s) => s.tilesMs))),
    })),
  };
}

export function formatDense(r: DenseResults): string {
  const rows = r.images.map((i) => `  ${i.name.padEnd(28)} ${`${i.width}×${i.height}`.padEnd(10)} ${`${i.found}/${i.faces}`.padStart(6)} ${String(i.tiles).padStart(6)} ${String(i.tilesMs).padStart(9)} ${String(i.findMs).padStart(8)} ${String(i.totalMs).padStart(9)}`);
  return [`Dense images (median of ${r.calls} calls, ms)`, `  ${'image'.padEnd(28)} ${'size'.padEnd(10)} ${'found'.padStart(6)} ${'tiles'.padStart(6)} ${'tiles ms'.padStart(9)} ${'find ms'.padStart(8)} ${'total ms'.padStart(9)}`, ...rows].join('\n');
}
