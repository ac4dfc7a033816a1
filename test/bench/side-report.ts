/** The side-by-side table (EmoLens, Human, face-api and the ratios EmoLens/peer) printed on stdout. */
import { bytes, table } from './report.ts';
import type { SideBySide, SystemResult } from './results.ts';
import { NAMES } from './systems.ts';

/** Label, value, format, and whether an EmoLens/peer ratio means anything for it. */
type Row = [label: string, value: (s: SystemResult) => number, format: (v: number) => string, ratio?: false];

const ms = (v: number) => `${v.toFixed(1)} ms`;
const fps = (v: number) => v.toFixed(1);
const mib = (v: number) => `${(v / 2 ** 20).toFixed(1)} MiB`;
const signedMib = (v: number) => `${v >= 0 ? '+' : ''}${(v / 2 ** 20).toFixed(2)} MiB`;
const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

const last = (s: SystemResult) => s.clip.samples[s.clip.samples.length - 1]!;

const ROWS: Row[] = [
  ['cold start, first visit (nav → 1st result)', (s) => s.first.toFirstResultMs, ms],
  ['  of which set-up → 1st result', (s) => s.first.coldStart.totalMs, ms],
  ['cold start, cached (nav → 1st result)', (s) => s.cached.toFirstResultMs, ms],
  ['  of which set-up → 1st result', (s) => s.cached.coldStart.totalMs, ms],
  ['latency 1 face p50', (s) => s.latency.single.p50, ms],
  ['latency 1 face p95', (s) => s.latency.single.p95, ms],
  ['latency 4 faces p50', (s) => s.latency.quad.p50, ms],
  ['latency 4 faces p95', (s) => s.latency.quad.p95, ms],
  ['clip, sustained frames/s', (s) => s.clip.fps, fps],
  ['JS heap at the last sample', (s) => last(s).jsBytes, mib],
  ['wasm memory at the last sample', (s) => last(s).wasmBytes, mib],
  ['growth JS + wasm, frame 500 → last', (s) => s.growth.totalBytes, signedMib, false],
  ['bytes downloaded, first visit', (s) => s.first.appBytes, bytes],
  ['bytes downloaded, cached visit', (s) => s.cached.appBytes, bytes, false],
  ['face recall, 1-face frames', (s) => s.recall.single.recall, pct],
  ['face recall, 4-face frames', (s) => s.recall.quad.recall, pct],
  ['face recall, clip', (s) => s.recall.clip.recall, pct],
  ['face recall, group photos', (s) => s.recall.group.recall, pct],
  ['face recall, all', (s) => s.recall.all.recall, pct],
];

function ratio(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '-';
  return `${(a / b).toFixed(2)}×`;
}

export function formatSideBySide(r: SideBySide): string {
  const systems = r.systems;
  const emolens = systems.find((s) => s.system === 'emolens');
  const peers = systems.filter((s) => s.system !== 'emolens');
  const header = ['', ...systems.map((s) => NAMES[s.system]), ...(emolens ? peers.map((p) => `EmoLens/${NAMES[p.system]}`) : [])];
  const rows = ROWS.map(([label, value, format, hasRatio]) => [
    label,
    ...systems.map((s) => format(value(s))),
    ...(emolens ? peers.map((p) => (hasRatio === false ? '-' : ratio(value(emolens), value(p)))) : []),
  ]);
  const out = [
    `Side by side (same frames, same Chromium; time = wall clock in the page around \`await detect(frame)\`)`,
    ...systems.map(
      (s) =>
        `  ${NAMES[s.system]}: ${s.version}, ${s.backend}${s.threads ? ` (${s.threads} threads)` : ''}, ${s.where}; ` +
        `${s.latency.single.n} + ${s.latency.quad.n} latency calls; clip ${s.clip.frames} frames, memory at ${s.clip.samples.map((m) => m.frame).join('/')}`,
    ),
    table(header, rows),
    `faces: found / present (extra) — ` +
      systems.map((s) => `${NAMES[s.system]} ${s.recall.all.found}/${s.recall.all.present} (${s.recall.all.extra})`).join(', '),
  ];
  const il = r.interleaved;
  const perSystem = systems.map((s) => `${NAMES[s.system]} ${il.perSystem[s.system]?.p50.toFixed(1)} ms`).join(', ');
  const k = il.fasterPeerOverEmoLens;
  out.push(
    `interleaved 1-face latency (${il.rounds.length} rounds × ${il.callsPerBlock} calls each, all pages open, order rotated): p50 ${perSystem}; ` +
      `faster peer / EmoLens ${k.pooled.toFixed(2)}× pooled, ${k.medianOfRounds.toFixed(2)}× median of rounds (${k.minOfRounds.toFixed(2)}–${k.maxOfRounds.toFixed(2)})`,
  );
  for (const [system, trials] of Object.entries(r.backendTrials)) {
    if (!trials?.length) continue;
    out.push(
      `${NAMES[system as keyof typeof NAMES]} backends tried (1-face p50): ` +
        trials.map((t) => `${t.backend} ${t.p50 === null ? `failed (${t.error})` : `${t.p50} ms`}`).join(', '),
    );
  }
  return out.join('\n');
}
