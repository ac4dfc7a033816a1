/** FER2013 faces from the shared data, as the page can take them (48×48 grey pixels). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireData } from '../setup/paths.ts';

/** Every `step`-th Training face that has an original FER2013 label, at most `count`. */
export function trainingFaces(count: number, step: number): number[][] {
  const root = join(requireData(), 'fer2013');
  const images = readFileSync(join(root, 'images.u8'));
  const rows = readFileSync(join(root, 'labels.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
  return rows
    .filter((r) => r[2] === 'Training' && r[3] !== '')
    .filter((_, i) => i % step === 0)
    .slice(0, count)
    .map((r) => Number(r[0]))
    .map((k) => Array.from(images.subarray(k * 2304, (k + 1) * 2304)));
}
