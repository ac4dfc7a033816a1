/**
 * One tracked face's recent frames on a stream (the last minute): what its blink rate and its learning states'
 * window read. Samples are kept in time order; older than {@link HISTORY_MS} are dropped.
 */

/** How far back a face's history reaches. */
export const HISTORY_MS = 60_000;
/** Least history before a blink rate is reported. */
export const BLINK_RATE_MIN_MS = 10_000;
/** A closure up to this long is a blink; longer, the eyes were closed. */
export const BLINK_MAX_MS = 500;

/** What one frame adds to a face's history. */
export interface HistorySample {
  t: number;
  /** Both eyes closed. */
  closed: boolean;
  /** Looking away from the screen (`lookingAway` in `derive/face-features.ts`). */
  away: boolean;
  /** Head yaw and pitch, degrees. */
  yaw: number;
  pitch: number;
  /** Mouth wide open (jaw drop and lips apart both near full): a yawn when it lasts. */
  mouthOpen: boolean;
}

/** A wide-open mouth lasting this long is a yawn. */
export const YAWN_MIN_MS = 1_500;

/** Summary of a window of history, read by the learning states. */
export interface HistoryWindow {
  /** Time the window covers (ms): its last sample's time minus its first's. */
  spanMs: number;
  /** Share of the window's time with the eyes closed (blinks included). */
  closedShare: number;
  /** The longest closure in the window (ms), the running one included. */
  longestClosureMs: number;
  /** Share of the window's time looking away. */
  awayShare: number;
  /** Mean head rotation speed, degrees per second. */
  headSpeed: number;
  /** Yawns in the window. */
  yawns: number;
}

/** A face's history. */
export class FaceHistory {
  private readonly samples: HistorySample[] = [];

  add(sample: HistorySample): void {
    const last = this.samples.at(-1);
    if (last && sample.t < last.t) return;
    this.samples.push(sample);
    const oldest = sample.t - HISTORY_MS;
    let drop = 0;
    while (drop < this.samples.length - 1 && this.samples[drop]!.t < oldest) drop++;
    if (drop > 0) this.samples.splice(0, drop);
  }

  /** Blinks per minute over the history, once it covers {@link BLINK_RATE_MIN_MS}; else `undefined`. */
  blinkRate(): number | undefined {
    const first = this.samples[0], last = this.samples.at(-1);
    if (!first || !last || last.t - first.t < BLINK_RATE_MIN_MS) return undefined;
    let blinks = 0;
    for (const run of closures(this.samples)) if (run.ended && run.ms <= BLINK_MAX_MS) blinks++;
    return (blinks * 60_000) / (last.t - first.t);
  }

  /** The last `ms` of history, summarised; each sample weighs the time to the next one. */
  window(ms: number): HistoryWindow {
    const last = this.samples.at(-1);
    if (!last) return { spanMs: 0, closedShare: 0, longestClosureMs: 0, awayShare: 0, headSpeed: 0, yawns: 0 };
    const from = this.samples.findIndex((s) => s.t >= last.t - ms);
    const w = this.samples.slice(from);
    const spanMs = last.t - w[0]!.t;
    let closed = 0, away = 0, turned = 0;
    for (let i = 0; i + 1 < w.length; i++) {
      const dt = w[i + 1]!.t - w[i]!.t;
      if (w[i]!.closed) closed += dt;
      if (w[i]!.away) away += dt;
      turned += Math.hypot(w[i + 1]!.yaw - w[i]!.yaw, w[i + 1]!.pitch - w[i]!.pitch);
    }
    const single = w.length === 1;
    const runs = closures(w);
    let yawns = 0, open = -1;
    for (const s of w) {
      if (s.mouthOpen && open < 0) open = s.t;
      if (!s.mouthOpen && open >= 0) {
        if (s.t - open >= YAWN_MIN_MS) yawns++;
        open = -1;
      }
    }
    if (open >= 0 && last.t - open >= YAWN_MIN_MS) yawns++;
    return {
      spanMs,
      closedShare: single ? Number(last.closed) : spanMs > 0 ? closed / spanMs : 0,
      longestClosureMs: Math.max(0, ...runs.map((r) => r.ms)),
      awayShare: single ? Number(last.away) : spanMs > 0 ? away / spanMs : 0,
      headSpeed: spanMs > 0 ? (turned * 1000) / spanMs : 0,
      yawns,
    };
  }
}

/** The runs of closed-eye samples: how long each lasted, and whether the eyes opened after it. */
function closures(samples: readonly HistorySample[]): { ms: number; ended: boolean }[] {
  const runs: { ms: number; ended: boolean }[] = [];
  let start = -1;
  for (const s of samples) {
    if (s.closed && start < 0) start = s.t;
    if (!s.closed && start >= 0) {
      runs.push({ ms: s.t - start, ended: true });
      start = -1;
    }
  }
  const last = samples.at(-1);
  if (start >= 0 && last) runs.push({ ms: last.t - start, ended: false });
  return runs;
}
