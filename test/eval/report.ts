/**
 * Plain-text report: one column per classifier, then the PrivateTest confusion matrices.
 */
import { WIA_EMOTIONS } from '../../packages/schema/src/index.ts';
import { LABEL_SETS, type ClassifierResult, type Figures, type LabelSet } from './evaluate.ts';
import type { Confusion } from './metrics.ts';

const pct = (x: number): string => (Number.isNaN(x) ? '–' : `${(100 * x).toFixed(1)} %`);
const f1 = (x: number): string => (Number.isNaN(x) ? '–' : (100 * x).toFixed(1));

interface Line {
  label: string;
  cell: (r: ClassifierResult) => string;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const fmt = (cells: string[]): string => cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join('  ').trimEnd();
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

/** The side-by-side table. `n` counts come from the first classifier (all see the same rows). */
export function formatSummary(results: ClassifierResult[]): string {
  const first = results[0];
  if (!first) return 'no classifier evaluated';
  const n = (f: (r: ClassifierResult) => Figures): string => f(first).n.toLocaleString('en-US');
  const lines: Line[] = [
    { label: 'input', cell: (r) => r.input },
    { label: 'vocabulary', cell: (r) => r.vocabulary },
  ];
  const block = (set: LabelSet, title: string): void => {
    const all = (r: ClassifierResult): Figures => r.PrivateTest[set].all;
    const clean = (r: ClassifierResult): Figures => r.PrivateTest[set].noLeak;
    lines.push(
      { label: `PrivateTest, ${title}`, cell: () => '' },
      { label: `  accuracy, all rows (n=${n(all)})`, cell: (r) => pct(all(r).accuracy) },
      { label: `  accuracy, train_leak=0 (n=${n(clean)})`, cell: (r) => pct(clean(r).accuracy) },
      { label: '  macro-F1, all rows', cell: (r) => f1(all(r).macroF1) },
      { label: '  macro-F1, train_leak=0', cell: (r) => f1(clean(r).macroF1) },
    );
  };
  block('fer2013', 'FER2013 labels');
  block('ferplus7', 'FER+ majority, 7 classes');
  const pub = (r: ClassifierResult): Figures => r.PublicTest.fer2013.all;
  lines.push(
    { label: 'PublicTest (model selection), FER2013 labels', cell: () => '' },
    { label: `  accuracy, all rows (n=${n(pub)})`, cell: (r) => pct(pub(r).accuracy) },
    { label: 'time', cell: (r) => `${r.seconds.toFixed(1)} s` },
  );
  return table(['', ...results.map((r) => r.name)], lines.map((l) => [l.label, ...results.map(l.cell)]));
}

/** A confusion matrix with WIA labels, recall per row and F1 per class. */
export function formatConfusion(m: Confusion): string {
  const short = WIA_EMOTIONS.map((l) => l.slice(0, 5));
  const rows = m.map((row, t) => {
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = m.reduce((s, r) => s + r[t]!, 0);
    const recall = support === 0 ? NaN : row[t]! / support;
    const precision = predicted === 0 ? NaN : row[t]! / predicted;
    return [WIA_EMOTIONS[t]!, ...row.map(String), String(support), pct(recall), pct(precision)];
  });
  return table(['true \\ predicted', ...short, 'n', 'recall', 'precision'], rows);
}

export function formatConfusions(results: ClassifierResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    for (const set of ['fer2013', 'ferplus7'] as const) {
      const f = r.PrivateTest[set].all;
      out.push(`${r.name} — PrivateTest, all rows, ${LABEL_SETS[set]} (accuracy ${pct(f.accuracy)}, macro-F1 ${f1(f.macroF1)})\n${formatConfusion(f.confusion)}`);
    }
  }
  return out.join('\n\n');
}

export function formatLabelSets(): string {
  return Object.values(LABEL_SETS).map((s) => `- ${s}`).join('\n');
}
