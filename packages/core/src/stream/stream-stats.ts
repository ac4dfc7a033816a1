/**
 * A live stream's figures over a sliding window: results per second and capture-to-result latency (p50, p95),
 * plus running totals. The window keeps the rate current when the load changes (a face enters, a tab goes to the
 * background) without growing with the stream's length.
 */

/** The figures a live stream reports (see {@link StreamStatsWindow}). */
export interface StreamStats {
  /** Results delivered since the stream started. */
  results: number;
  /** Frames the source presented but the stream never took (it was busy with a newer one's predecessor). */
  skippedFrames: number;
  /** Results per second over the last {@link STATS_WINDOW_MS}. */
  resultsPerSecond: number;
  /** Median capture-to-result time (ms) over the window. */
  latencyP50Ms: number;
  /** 95th percentile capture-to-result time (ms) over the window. */
  latencyP95Ms: number;
}

/** Length of the window the rate and latencies are measured over. */
export const STATS_WINDOW_MS = 2000;

/** Collects result times and latencies; `now` is any monotonic clock in ms. */
export class StreamStatsWindow {
  private readonly done: { at: number; latency: number }[] = [];
  private total = 0;

  /** A result arrived at `at`, `latency` ms after its frame was captured. */
  add(at: number, latency: number): void {
    this.total++;
    this.done.push({ at, latency });
    this.trim(at);
  }

  /** The figures at time `now`, with `skippedFrames` from the scheduler. */
  read(now: number, skippedFrames: number): StreamStats {
    this.trim(now);
    const latencies = this.done.map((d) => d.latency).sort((a, b) => a - b);
    const span = this.done.length > 1 ? Math.max(now, this.done.at(-1)!.at) - this.done[0]!.at : 0;
    return {
      results: this.total,
      skippedFrames,
      // n results over the span between the first and now: (n - 1) intervals when now is the last result.
      resultsPerSecond: span > 0 ? round1(((this.done.length - 1) * 1000) / span) : 0,
      latencyP50Ms: round1(quantile(latencies, 0.5)),
      latencyP95Ms: round1(quantile(latencies, 0.95)),
    };
  }

  private trim(now: number): void {
    while (this.done.length > 0 && this.done[0]!.at < now - STATS_WINDOW_MS) this.done.shift();
  }
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
