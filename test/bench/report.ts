/** The human-readable report printed on stdout. */
import type { BenchResults, VisitResult } from './results.ts';
import { STAGES } from './results.ts';

type Cell = string | number;

/** Plain-text table: first column left-aligned, the others right-aligned. */
export function table(header: readonly Cell[], rows: readonly (readonly Cell[])[]): string {
  const all = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  const line = (row: readonly string[]) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(all[0]!), rule, ...all.slice(1).map(line)].join('\n');
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-');

export function bytes(v: number): string {
  if (v < 1024) return `${v} B`;
  if (v < 1024 * 1024) return `${(v / 1024).toFixed(1)} KiB`;
  return `${(v / 1024 / 1024).toFixed(2)} MiB`;
}

function visitRow(name: string, v: VisitResult): Cell[] {
  const sources = new Map<string, number>();
  for (const a of v.coldStart.assets) sources.set(a.source, (sources.get(a.source) ?? 0) + 1);
  const src = [...sources].map(([s, n]) => `${n} ${s}`).join(', ') || '-';
  return [
    name,
    ms(v.navigationMs),
    ms(v.coldStart.createMs),
    ms(v.coldStart.firstDetectMs),
    ms(v.coldStart.totalMs),
    v.server.requests,
    bytes(v.server.appBytes),
    src,
  ];
}

export function formatReport(r: BenchResults): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(
    `EmoLens bench${r.quick ? ' (--quick)' : ''} — ${r.date}`,
    `${m.cpus} × ${m.cpuModel}, ${m.totalMemGiB} GiB, ${m.platform}, Node ${m.node}, Chromium ${m.chromium}`,
    `load average at start ${m.loadAvgStart.join(' ')}, at end ${m.loadAvgEnd.join(' ')}`,
    `backend ${r.config.backend}, ${r.config.threads} WASM thread(s) for the classifier, classifier ${r.config.classifier}, frames ${r.config.frameSize}, production build`,
    '',
  );

  const { single, quad } = r.latency;
  out.push(
    `Latency per stage, ms (1 face: ${single.calls} calls over ${single.frames} frames; 4 faces: ${quad.calls} calls over ${quad.frames} grids; ${single.warmup} warm-up calls each)`,
    table(
      ['stage', '1 face p50', '1 face p95', '4 faces p50', '4 faces p95'],
      STAGES.map((s) => [s, ms(single.stages[s].p50), ms(single.stages[s].p95), ms(quad.stages[s].p50), ms(quad.stages[s].p95)]),
    ),
    `faces found per frame (mean): 1-face set ${single.facesMean.toFixed(2)}, 4-face set ${quad.facesMean.toFixed(2)} ` +
      `(4-face histogram: ${Object.entries(quad.facesHistogram).map(([k, n]) => `${k}:${n}`).join(' ')})`,
    '',
  );

  out.push(
    'Cold start: createDetector() → first detect() result (one 1-face frame)',
    table(
      ['visit', 'page load', 'create', '1st detect', 'total', 'requests', 'app bytes sent', 'asset sources'],
      [visitRow('first (empty caches)', r.coldStart.first), visitRow('second (same profile)', r.coldStart.second)],
    ),
    `second visit responses: ${Object.entries(r.coldStart.second.server.byPath)
      .map(([p, c]) => `${p} ${Object.entries(c.statuses).map(([s, n]) => (n > 1 ? `${s}×${n}` : s)).join('/')}`)
      .join(', ')}`,
    '',
  );

  out.push(
    'Bytes downloaded on the first visit (server counters; gzip -6 for reference)',
    table(
      ['path', 'requests', 'bytes', 'gzip'],
      [
        ...r.download.files.map((f) => [f.path, f.requests, bytes(f.bytes), bytes(f.gzipBytes)]),
        ['total', r.download.files.reduce((s, f) => s + f.requests, 0), bytes(r.download.totalBytes), bytes(r.download.totalGzipBytes)],
      ],
    ),
    '',
  );

  const d = r.detection;
  out.push(
    `Face detection on the ${d.photos} wild photos at original size: ${d.withFace}/${d.photos} with ≥1 face, ${d.exactlyOne}/${d.photos} with exactly 1` +
      (d.noFace.length ? `\n  no face: ${d.noFace.join(', ')}` : '') +
      (d.moreThanOne.length ? `\n  more than one: ${d.moreThanOne.join(', ')}` : ''),
    `Group photos (faceRange auto): ${r.groupPhotos.map((g) => `${g.url.split('/').pop()} ${g.width}×${g.height}: ${g.faces}`).join(', ')}`,
    '',
  );

  const fetched = new Set(r.download.files.filter((f) => f.bytes > 0).map((f) => f.path));
  out.push(
    `Vite build: ${(r.build.ms / 1000).toFixed(1)} s, ${r.build.files.length} files, ${bytes(r.build.files.reduce((s, f) => s + f.bytes, 0))}` +
      (r.build.warnings.length ? `, ${r.build.warnings.length} warning(s)` : ', no warnings'),
    table(
      ['emitted file', 'bytes', 'loaded on 1st visit'],
      r.build.files.map((f) => [f.path, bytes(f.bytes), fetched.has(f.path) ? 'yes' : 'no']),
    ),
  );
  if (r.build.warnings.length) out.push(...r.build.warnings.map((w) => `  vite: ${w}`));
  if (r.pageLogs.length) out.push(`page console warnings/errors (${r.pageLogs.length}):`, ...r.pageLogs.slice(0, 20).map((l) => `  ${l}`));
  out.push(`total bench time ${(r.totalMs / 1000).toFixed(1)} s`);
  return out.join('\n');
}
