/**
 * Interleaved 1-face latency: the pages of all systems are open at once, and the run is cut into rounds; in each
 * round every system runs one block of calls on the same frames, the order rotating from round to round. A busy
 * shared machine slows whatever runs at that moment: measured one system after the other (as `measureSystem`
 * does), minutes apart, a speed ratio absorbs that drift; interleaved, every system sees the same conditions, and
 * the per-round ratios show how much the ratio itself moves.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { PeerBackend, SystemId, SystemSample } from './page/api.ts';
import type { InterleavedLatency } from './results.ts';
import type { StaticServer } from './server.ts';
import { round, roundSummary, summarize } from './stats.ts';
import { openSystemPage, type Log } from './systems.ts';

export interface InterleavedPlan {
  /** 1-face frames (URLs of the photos, resized to 640×480 in the page). */
  urls: string[];
  rounds: number;
  /** Calls per block (one block = one system, one round). */
  calls: number;
  /** Untimed calls at the start of each block. */
  warmup: number;
}

/** Runs the interleaved rounds; EmoLens must be among `systems`, with at least one peer. */
export async function interleavedLatency(
  newContext: () => Promise<BrowserContext>,
  server: StaticServer,
  systems: readonly { system: SystemId; backend: PeerBackend }[],
  plan: InterleavedPlan,
  logs: string[],
  log: Log,
): Promise<InterleavedLatency> {
  if (!systems.some((s) => s.system === 'emolens') || systems.length < 2) throw new Error('interleaved latency needs EmoLens and a peer');
  const contexts: BrowserContext[] = [];
  try {
    const pages = new Map<SystemId, Page>();
    for (const { system, backend } of systems) {
      const context = await newContext();
      contexts.push(context);
      const { page } = await openSystemPage(context, server.origin, system, logs);
      await page.evaluate(([b, url]) => window.sys.init(b, url), [backend, plan.urls[0]!] as const);
      await page.evaluate(([urls]) => window.sys.makeFrames(urls, 0), [plan.urls] as const);
      pages.set(system, page);
    }
    const peers = systems.filter((s) => s.system !== 'emolens').map((s) => s.system);
    /** Faster peer's p50 / EmoLens' p50. */
    const fasterPeerOverEmoLens = (p50: (system: SystemId) => number) => Math.min(...peers.map(p50)) / p50('emolens');
    const samples = new Map<SystemId, number[]>(systems.map((s) => [s.system, []]));
    const rounds: InterleavedLatency['rounds'] = [];
    for (let r = 0; r < plan.rounds; r++) {
      const order = systems.map((_, i) => systems[(i + r) % systems.length]!.system);
      const p50: Partial<Record<SystemId, number>> = {};
      for (const system of order) {
        const block: SystemSample[] = await pages
          .get(system)!
          .evaluate(([w, n]) => window.sys.latency('single', w, n, Number.POSITIVE_INFINITY), [plan.warmup, plan.calls] as const);
        const ms = block.map((s) => s.ms);
        samples.get(system)!.push(...ms);
        p50[system] = round(summarize(ms).p50);
      }
      const ratio = round(fasterPeerOverEmoLens((s) => p50[s]!), 2);
      rounds.push({ order, p50, fasterPeerOverEmoLens: ratio });
      log(`  round ${r + 1}/${plan.rounds} (${order.join(' → ')}): ${order.map((s) => `${s} ${p50[s]} ms`).join(', ')}; faster peer / EmoLens ${ratio}×`);
    }
    const perSystem: InterleavedLatency['perSystem'] = {};
    for (const [system, ms] of samples) perSystem[system] = roundSummary(summarize(ms));
    const ratios = rounds.map((r) => r.fasterPeerOverEmoLens);
    return {
      rounds,
      callsPerBlock: plan.calls,
      perSystem,
      fasterPeerOverEmoLens: {
        pooled: round(fasterPeerOverEmoLens((s) => perSystem[s]!.p50), 2),
        medianOfRounds: round(summarize(ratios).p50, 2),
        minOfRounds: Math.min(...ratios),
        maxOfRounds: Math.max(...ratios),
      },
    };
  } finally {
    for (const context of contexts) await context.close();
  }
}
