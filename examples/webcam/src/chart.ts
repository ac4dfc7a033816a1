/**
 * A face's emotions over time on a canvas: one line per emotion (probability 0–100 %), and under them a band
 * coloured by the primary label, which reads at a glance when seven lines cross. Drawn by hand: a chart library
 * would be most of the demo's size for this one picture.
 */
import { EMOTION_COLOR_LIST } from './palette.ts';
import type { EmotionPoint } from './series.ts';

/** What to draw: the time span shown, and where its labels go. */
export interface ChartView {
  /** The span on the x axis, in the points' milliseconds. */
  from: number;
  to: number;
  /** Points further apart than this are not joined: the face was out of view in between. */
  gapMs: number;
  /** Labels under the time axis, for a plot `plotWidth` CSS pixels wide (fewer on a phone, so they do not overlap). */
  ticks: (plotWidth: number) => readonly Tick[];
}

/** A label under the time axis. */
export interface Tick {
  t: number;
  label: string;
}

/** Margins of the plot inside the canvas, in CSS pixels. */
const PAD = { left: 34, right: 8, top: 6, bottom: 28 };
const BAND = 7;
const GRID = 'rgba(255, 255, 255, 0.14)';
const TEXT = '#9aa3ad';

/** Draws `points` (in time order) on `canvas` at its CSS size and the screen's pixel density. */
export function drawEmotionChart(canvas: HTMLCanvasElement, points: readonly EmotionPoint[], view: ChartView): void {
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  const ctx = canvas.getContext('2d');
  if (!ctx || width === 0 || height === 0) return;
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  canvas.dataset.points = String(points.length);

  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const span = Math.max(1, view.to - view.from);
  const x = (t: number) => PAD.left + ((t - view.from) / span) * plotW;
  const y = (p: number) => PAD.top + (1 - p) * plotH;

  // Grid and labels: 0, 50 and 100 %, and the time ticks.
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = TEXT;
  ctx.strokeStyle = GRID;
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const p of [0, 0.5, 1]) {
    const gy = Math.round(y(p)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(PAD.left, gy);
    ctx.lineTo(width - PAD.right, gy);
    ctx.stroke();
    ctx.fillText(`${p * 100}%`, PAD.left - 5, gy);
  }
  ctx.textBaseline = 'bottom';
  for (const tick of view.ticks(plotW)) {
    const tx = x(tick.t);
    ctx.textAlign = tx - PAD.left < 12 ? 'left' : width - PAD.right - tx < 12 ? 'right' : 'center';
    ctx.fillText(tick.label, tx, height);
  }

  // Only the points in view (and one on either side, so that lines run to the edges).
  let first = points.findIndex((p) => p.t >= view.from);
  if (first === -1) return;
  first = Math.max(0, first - 1);
  const visible = points.slice(first);

  ctx.save();
  ctx.beginPath();
  ctx.rect(PAD.left, 0, plotW, height);
  ctx.clip();

  // The primary-label band: each point's colour until the next point (or a short stub before a gap).
  const bandY = PAD.top + plotH + 3;
  for (let i = 0; i < visible.length; i++) {
    const point = visible[i]!;
    const next = visible[i + 1];
    const x0 = x(point.t);
    const x1 = next && next.t - point.t <= view.gapMs ? x(next.t) : x0 + 2;
    ctx.fillStyle = EMOTION_COLOR_LIST[point.primary]!;
    ctx.fillRect(x0, bandY, Math.max(1, x1 - x0 + 0.5), BAND);
  }

  // One line per emotion; the latest primary label's last, thicker, on top of the others.
  const top = visible.at(-1)!.primary;
  const order = [...EMOTION_COLOR_LIST.keys()].filter((k) => k !== top).concat(top);
  ctx.lineJoin = 'round';
  for (const k of order) {
    ctx.strokeStyle = EMOTION_COLOR_LIST[k]!;
    ctx.lineWidth = k === top ? 2.5 : 1.5;
    ctx.beginPath();
    for (let i = 0; i < visible.length; i++) {
      const point = visible[i]!;
      const joined = i > 0 && point.t - visible[i - 1]!.t <= view.gapMs;
      if (joined) ctx.lineTo(x(point.t), y(point.probs[k]!));
      else ctx.moveTo(x(point.t), y(point.probs[k]!));
    }
    ctx.stroke();
  }
  // A lone point (a face seen once) would draw nothing as a path: a dot instead.
  if (visible.length === 1) {
    for (const k of order) {
      ctx.fillStyle = EMOTION_COLOR_LIST[k]!;
      ctx.fillRect(x(visible[0]!.t) - 2, y(visible[0]!.probs[k]!) - 2, 4, 4);
    }
  }
  ctx.restore();
}

const STEPS_MS = [250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000];

/** Ticks for a video's span `[0, durationMs]` on round times, one per 50 px of plot at most. */
export function videoTicks(durationMs: number, plotWidth: number): Tick[] {
  const most = Math.max(2, Math.floor(plotWidth / 50));
  const step = STEPS_MS.find((s) => durationMs / s <= most) ?? STEPS_MS.at(-1)!;
  const ticks: Tick[] = [];
  for (let t = 0; t <= durationMs + 1; t += step) ticks.push({ t, label: clock(t, step) });
  return ticks;
}

/** Ticks for the live window ending at `now`: −30 s, −20 s, −10 s, now. */
export function liveTicks(now: number, windowMs: number): Tick[] {
  const ticks: Tick[] = [];
  for (let back = windowMs; back > 0; back -= 10_000) ticks.push({ t: now - back, label: `−${back / 1000} s` });
  ticks.push({ t: now, label: 'now' });
  return ticks;
}

function clock(ms: number, step: number): string {
  if (ms >= 60_000) return `${Math.floor(ms / 60_000)}:${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}`;
  return step < 1000 ? `${(ms / 1000).toFixed(step < 500 ? 2 : 1)} s` : `${Math.round(ms / 1000)} s`;
}
