/**
 * `pnpm bench --cold N`: cold start only, measured often enough to quote. One first visit (a fresh
 * on-disk profile, `profile.ts`: empty HTTP cache, Cache API and code cache), then N cached visits in the same
 * profile, each a new page (the detector of the previous one disposed and its page closed), with a pause between visits so
 * that the browser can write its caches as it would between real visits.
 * Reports navigation → first result per visit, the median of the cached ones, and the median visit's
 * timeline (assets loaded, models compiled, ready, first result). `--incognito` runs the visits in an
 * in-memory context instead (the worst case: nothing but the Cache API survives).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { table } from './report.ts';
import type { VisitResult } from './results.ts';
import { quantile, round } from './stats.ts';

/** Pause between visits (the wasm code cache is written after compilation finishes, in the background). */
export const COLD_PAUSE_MS = 3000;

/** One visit in the cold-start run. */
export interface ColdVisit extends VisitResult {
  /** Navigation start → first result (`sinceNavigationMs + totalMs`). */
  toFirstResultMs: number;
}

export interface ColdResults {
  date: string;
  first: ColdVisit;
  cached: ColdVisit[];
  /** Median over the cached visits. */
  cachedMedian: { toFirstResultMs: number; createMs: number; firstDetectMs: number; totalMs: number };
}

/** One visit of the bench page in `context` (`run.ts`'s `visit`): the page, kept open, and what it measured. */
export type Visit = (context: BrowserContext) => Promise<{ page: Page; result: VisitResult }>;

async function coldVisit(context: BrowserContext, visit: Visit): Promise<ColdVisit> {
  const { page, result } = await visit(context);
  await page.evaluate(() => window.bench.dispose());
  await page.close();
  return { ...result, toFirstResultMs: round(result.coldStart.sinceNavigationMs + result.coldStart.totalMs) };
}

export async function coldStarts(
  newContext: () => Promise<BrowserContext>,
  visit: Visit,
  visits: number,
  log: (message: string) => void,
): Promise<Omit<ColdResults, 'date'>> {
  const context = await newContext();
  try {
    log('cold start: first visit…');
    const first = await coldVisit(context, visit);
    const cached: ColdVisit[] = [];
    for (let i = 0; i < visits; i++) {
      await new Promise((resolve) => setTimeout(resolve, COLD_PAUSE_MS));
      log(`cold start: cached visit ${i + 1}/${visits}…`);
      cached.push(await coldVisit(context, visit));
    }
    const median = (pick: (v: ColdVisit) => number) => round(quantile([...cached.map(pick)].sort((a, b) => a - b), 0.5));
    return {
      first,
      cached,
      cachedMedian: {
        toFirstResultMs: median((v) => v.toFirstResultMs),
        createMs: median((v) => v.coldStart.createMs),
        firstDetectMs: median((v) => v.coldStart.firstDetectMs),
        totalMs: median((v) => v.coldStart.totalMs),
      },
    };
  } finally {
    await context.close();
  }
}

const ms = (v: number) => `${Math.round(v)} ms`;

export function formatCold(r: ColdResults): string {
  const row = (name: string, v: ColdVisit) => [
    name,
    ms(v.navigationMs),
    ms(v.coldStart.createMs),
    ms(v.coldStart.firstDetectMs),
    ms(v.toFirstResultMs),
    Object.entries(statuses(v)).map(([s, n]) => `${s}×${n}`).join(' '),
  ];
  const byTotal = [...r.cached].sort((a, b) => a.toFirstResultMs - b.toFirstResultMs);
  const mid = byTotal[Math.floor((byTotal.length - 1) / 2)];
  const lines = [
    `Cold start (navigation → first result on one 1-face frame); cached median ${ms(r.cachedMedian.toFirstResultMs)} over ${r.cached.length} visits`,
    table(
      ['visit', 'page load', 'create', '1st detect', 'nav → result', 'responses'],
      [row('first (empty caches)', r.first), ...r.cached.map((v, i) => row(`cached ${i + 1}`, v))],
    ),
  ];
  if (mid) {
    const events = Object.entries(mid.coldStart.timeline).sort((a, b) => a[1] - b[1]);
    lines.push(`median cached visit, ms after createDetector(): ${events.map(([k, t]) => `${k} ${Math.round(t)}`).join(', ')}`);
  }
  return lines.join('\n');
}

/** Requests the server answered during a visit, by HTTP status (200 = a download, 304 = a revalidation). */
function statuses(v: VisitResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const counter of Object.values(v.server.byPath)) {
    for (const [status, n] of Object.entries(counter.statuses)) out[status] = (out[status] ?? 0) + n;
  }
  return out;
}
