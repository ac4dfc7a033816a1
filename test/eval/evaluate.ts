/**
 * One classifier on the FER2013 splits, following the data's protocol (fer2013/README.md): model selection
 * figure on PublicTest, reported figures on PrivateTest, all rows and train_leak == 0 rows, for the two
 * label sets (original FER2013 labels; FER+ majority, 7 classes).
 */
import { WIA_EMOTIONS, type WiaEmotion } from '../../packages/schema/src/index.ts';
import type { Classifier } from './classifier.ts';
import { FER_SIZE, splitRows, type FerData, type FerRow, type Usage } from './fer-data.ts';
import { accuracy, confusion, macroF1, perClass, type ClassScore, type Confusion } from './metrics.ts';
import type { PreprocessOptions } from './preprocess.ts';

/** The label sets, as the data README asks them to be named. */
export const LABEL_SETS = {
  fer2013: 'fer2013_label: original FER2013 labels, 7 classes, rows without a label skipped',
  ferplus7: 'ferplus_majority: FER+ majority rule, 7 classes (unknown, not_face and contempt dropped)',
} as const;
export type LabelSet = keyof typeof LABEL_SETS;

export interface Figures {
  n: number;
  accuracy: number;
  macroF1: number;
  /** Rows: true class, columns: predicted class, both in `labels` (WIA) order. */
  confusion: Confusion;
  perClass: ClassScore[];
}

/** A label set on one split: all rows, and rows with train_leak == 0. */
export interface SubsetFigures {
  all: Figures;
  noLeak: Figures;
}

export interface ClassifierResult {
  name: string;
  input: string;
  vocabulary: string;
  /** The model's own labels, in output order, and the WIA word each maps to. */
  labels: { model: string; wia: WiaEmotion }[];
  PrivateTest: Record<LabelSet, SubsetFigures>;
  PublicTest: Record<LabelSet, SubsetFigures>;
  seconds: number;
}

export interface EvalOptions extends PreprocessOptions {
  /** First N rows of each split. */
  limit?: number;
  batchSize?: number;
  /** Average each face's probabilities with its mirror image's (test-time flip). */
  flip?: boolean;
  onProgress?: (done: number, total: number) => void;
}

const argmax = (row: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
};

/** A square grey FER face, mirrored left to right. */
function mirror(image: Uint8Array): Uint8Array {
  const out = new Uint8Array(image.length);
  for (let y = 0; y < FER_SIZE; y++) for (let x = 0; x < FER_SIZE; x++) out[y * FER_SIZE + x] = image[y * FER_SIZE + FER_SIZE - 1 - x]!;
  return out;
}

/** The predicted WIA index for every row, in order. */
async function predict(classifier: Classifier, data: FerData, rows: FerRow[], options: EvalOptions, done: { n: number; total: number }): Promise<number[]> {
  const batchSize = options.batchSize ?? 64;
  const predicted: number[] = [];
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    const images = batch.map((r) => data.image(r.index));
    const probabilities = await classifier.classify(images, FER_SIZE, options);
    if (options.flip) {
      const mirrored = await classifier.classify(images.map(mirror), FER_SIZE, options);
      probabilities.forEach((p, i) => p.forEach((v, k) => (p[k] = (v + mirrored[i]![k]!) / 2)));
    }
    for (const p of probabilities) predicted.push(argmax(p));
    done.n += batch.length;
    options.onProgress?.(done.n, done.total);
  }
  return predicted;
}

function figures(rows: FerRow[], predicted: number[], label: (r: FerRow) => WiaEmotion | null, keep: (r: FerRow) => boolean): Figures {
  const truth: number[] = [], guess: number[] = [];
  rows.forEach((r, i) => {
    const t = label(r);
    if (t === null || !keep(r)) return;
    truth.push(WIA_EMOTIONS.indexOf(t));
    guess.push(predicted[i]!);
  });
  const m = confusion(truth, guess, WIA_EMOTIONS.length);
  return { n: truth.length, accuracy: accuracy(m), macroF1: macroF1(m), confusion: m, perClass: perClass(m) };
}

function labelSets(rows: FerRow[], predicted: number[]): Record<LabelSet, SubsetFigures> {
  const subset = (label: (r: FerRow) => WiaEmotion | null): SubsetFigures => ({
    all: figures(rows, predicted, label, () => true),
    noLeak: figures(rows, predicted, label, (r) => !r.trainLeak),
  });
  return { fer2013: subset((r) => r.fer2013), ferplus7: subset((r) => r.ferplus7) };
}

export async function evaluate(classifier: Classifier, data: FerData, options: EvalOptions = {}): Promise<ClassifierResult> {
  const started = performance.now();
  const { manifest } = classifier;
  const splits: Usage[] = ['PrivateTest', 'PublicTest'];
  const rows = splits.map((s) => splitRows(data, s, options.limit));
  const done = { n: 0, total: rows.reduce((s, r) => s + r.length, 0) };
  const [priv, pub] = [await predict(classifier, data, rows[0]!, options, done), await predict(classifier, data, rows[1]!, options, done)];
  return {
    name: manifest.name,
    input: `${manifest.input.width}×${manifest.input.height} ${manifest.input.color}`,
    vocabulary: manifest.vocabulary,
    labels: manifest.labels.map((model, i) => ({ model, wia: WIA_EMOTIONS[classifier.toWiaIndex[i]!]! })),
    PrivateTest: labelSets(rows[0]!, priv),
    PublicTest: labelSets(rows[1]!, pub),
    seconds: (performance.now() - started) / 1000,
  };
}
