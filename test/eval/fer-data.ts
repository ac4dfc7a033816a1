/**
 * FER2013 + FER+ as packed in the shared data folder (`<dataRoot>/fer2013`, see its README.md):
 * `images.u8` (48×48 8-bit grey faces, row-major, 2,304 bytes each, no header) and `labels.csv`
 * (one line per image). Read in place; never copied into the repository.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toWia, type WiaEmotion } from '../../packages/schema/src/index.ts';
import { dataRoot } from '../setup/paths.ts';

export const FER_SIZE = 48;
export const FER_BYTES = FER_SIZE * FER_SIZE;

export type Usage = 'Training' | 'PublicTest' | 'PrivateTest';

export interface FerRow {
  /** Position in images.u8. */
  index: number;
  usage: Usage;
  /** The original FER2013 label as a WIA word; `null` where the pack has none (no unique match). */
  fer2013: WiaEmotion | null;
  /** The raw FERPlus `majority` value (FER2013 words, or contempt / unknown / not_face). */
  ferplusMajority: string;
  /** FER+ majority as a WIA word when it is one of the 7 classes; `null` for contempt, unknown, not_face. */
  ferplus7: WiaEmotion | null;
  /** A Training image has RMSE < 3 to this one. */
  trainLeak: boolean;
}

export interface FerData {
  root: string;
  rows: FerRow[];
  /** The 48×48 grey pixels of image `index`. */
  image(index: number): Uint8Array;
}

/** The FER2013 folder (`$EMOLENS_DATA/fer2013` or `../shared/data/fer2013`). */
export const ferRoot = (): string => join(dataRoot, 'fer2013');

/** FER2013 class words (also the FER+ majority words of the 7 classes) to WIA; anything else to `null`. */
function fer2013Word(word: string): WiaEmotion | null {
  if (word === '' || word === 'contempt' || word === 'unknown' || word === 'not_face') return null;
  return toWia('fer2013', word);
}

export function parseLabels(csv: string): FerRow[] {
  const lines = csv.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0]!.split(',');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`labels.csv has no column ${name}`);
    return i;
  };
  const cIndex = col('index'), cUsage = col('usage'), cLabel = col('fer2013_label'), cMajority = col('ferplus_majority'), cLeak = col('train_leak');
  return lines.slice(1).map((line, k) => {
    const f = line.split(',');
    const index = Number(f[cIndex]);
    if (index !== k) throw new Error(`labels.csv line ${k + 2}: index ${f[cIndex]}, expected ${k}`);
    const usage = f[cUsage] as Usage;
    if (usage !== 'Training' && usage !== 'PublicTest' && usage !== 'PrivateTest') throw new Error(`labels.csv line ${k + 2}: usage ${usage}`);
    const ferplusMajority = f[cMajority] ?? '';
    return { index, usage, fer2013: fer2013Word(f[cLabel] ?? ''), ferplusMajority, ferplus7: fer2013Word(ferplusMajority), trainLeak: f[cLeak] === '1' };
  });
}

export function loadFer(root: string = ferRoot()): FerData {
  const rows = parseLabels(readFileSync(join(root, 'labels.csv'), 'utf8'));
  const images = readFileSync(join(root, 'images.u8'));
  if (images.length !== rows.length * FER_BYTES) {
    throw new Error(`images.u8 has ${images.length} bytes, expected ${rows.length} × ${FER_BYTES}`);
  }
  return { root, rows, image: (index) => images.subarray(index * FER_BYTES, (index + 1) * FER_BYTES) };
}

/** The rows of one split in file order, the first `limit` of them when given. */
export function splitRows(data: FerData, usage: Usage, limit?: number): FerRow[] {
  const rows = data.rows.filter((r) => r.usage === usage);
  return limit === undefined ? rows : rows.slice(0, limit);
}
