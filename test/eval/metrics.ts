/**
 * Classification metrics over class indices 0…k−1: confusion matrix, accuracy, per-class F1 and macro-F1.
 */

/** `matrix[t][p]`: how many samples of true class t were predicted as p. */
export type Confusion = number[][];

export function confusion(truth: readonly number[], predicted: readonly number[], classes: number): Confusion {
  if (truth.length !== predicted.length) throw new Error(`${truth.length} labels but ${predicted.length} predictions`);
  const m: Confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  truth.forEach((t, i) => {
    const p = predicted[i]!;
    if (!(t >= 0 && t < classes && p >= 0 && p < classes)) throw new Error(`class index out of range: ${t}, ${p}`);
    m[t]![p]!++;
  });
  return m;
}

export const total = (m: Confusion): number => m.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);

/** Fraction correct (NaN when empty). */
export function accuracy(m: Confusion): number {
  const n = total(m);
  return n === 0 ? NaN : m.reduce((s, row, i) => s + row[i]!, 0) / n;
}

export interface ClassScore {
  support: number;
  predicted: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Per class: precision, recall and F1 (each 0 when its denominator is 0, as scikit-learn's zero_division=0). */
export function perClass(m: Confusion): ClassScore[] {
  return m.map((row, c) => {
    const tp = row[c]!;
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = m.reduce((s, r) => s + r[c]!, 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = tp === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { support, predicted, precision, recall, f1 };
  });
}

/**
 * Unweighted mean of the per-class F1 over the classes that occur in the truth or the predictions
 * (scikit-learn's `f1_score(average='macro')` without `labels`). NaN when empty.
 */
export function macroF1(m: Confusion): number {
  const scores = perClass(m).filter((s) => s.support > 0 || s.predicted > 0);
  return scores.length === 0 ? NaN : scores.reduce((s, c) => s + c.f1, 0) / scores.length;
}

/**
 * ROC AUC of scores: the probability that a random positive scores above a random negative (ties count half),
 * by ranks (Mann–Whitney U). `NaN` when either side is empty.
 */
export function rocAuc(positives: readonly number[], negatives: readonly number[]): number {
  if (positives.length === 0 || negatives.length === 0) return Number.NaN;
  const all = [...positives.map((v) => ({ v, p: true })), ...negatives.map((v) => ({ v, p: false }))].sort((a, b) => a.v - b.v);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.v === all[i]!.v) j++;
    const rank = (i + j + 1) / 2; // mean 1-based rank of the tie group
    for (let k = i; k < j; k++) if (all[k]!.p) rankSum += rank;
    i = j;
  }
  const n = positives.length, m = negatives.length;
  return (rankSum - (n * (n + 1)) / 2) / (n * m);
}
