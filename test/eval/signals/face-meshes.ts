/**
 * Face meshes of labelled faces, computed by the SDK in Chromium and cached under `test/.artifacts/meshes/`: the
 * input of the action-unit and valence/arousal evaluations (`evaluate.ts`) and of the fit of the action units'
 * neutral levels (`fit-action-units.ts`). FER2013 faces are upscaled 4× (192 px) so the mesh sees a usual face size;
 * wild photos go in as they are. Derived from the shared data, so kept out of the repository like it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot, requireData } from '../../setup/paths.ts';
import { withTestPage } from '../../bench/test-page.ts';
import { FER_BYTES, ferRoot } from '../fer-data.ts';

/** FER+ vote columns of labels.csv, in this order. */
export const FER_VOTES = ['neutral', 'happiness', 'surprise', 'sadness', 'anger', 'disgust', 'fear', 'contempt'] as const;

/** One labelled face with its mesh (468 × xyz, source pixels) or `null` where the SDK found none. */
export interface MeshedFace {
  /** `fer:<index>` or `wild:<file>`. */
  id: string;
  /** The face's label: FER+ majority (WIA word) for FER2013, the folder's label for wild photos. */
  label: string;
  /** FER+ votes in {@link FER_VOTES} order (FER2013 only). */
  votes?: number[];
  mesh: number[] | null;
  /** The classifier's probabilities in WIA labels (for valence/arousal). */
  probabilities: Record<string, number> | null;
}

const CACHE = join(repoRoot, 'test', '.artifacts', 'meshes');
const FER_WORDS: Record<string, string> = { neutral: 'neutral', happy: 'happiness', surprise: 'surprise', sad: 'sadness', angry: 'anger', disgust: 'disgust', fear: 'fear' };

interface FerPick {
  index: number;
  label: string;
  votes: number[];
}

/** FER2013 faces of `usage` whose FER+ majority is one of the seven classes; at most `perClass` of each, spread over the split. */
export function ferFaces(usage: 'Training' | 'PrivateTest', perClass: number): FerPick[] {
  const lines = readFileSync(join(ferRoot(), 'labels.csv'), 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const col = (name: string) => header.indexOf(name);
  const byClass = new Map<string, FerPick[]>();
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    if (f[col('usage')] !== usage || f[col('dup_of')] !== '') continue;
    const label = FER_WORDS[f[col('ferplus_majority')]!];
    if (!label) continue;
    const votes = FER_VOTES.map((v) => Number(f[col(v)]));
    const list = byClass.get(label) ?? [];
    list.push({ index: Number(f[col('index')]), label, votes });
    byClass.set(label, list);
  }
  return [...byClass.values()].flatMap((list) => {
    const step = Math.max(1, list.length / perClass);
    return Array.from({ length: Math.min(perClass, list.length) }, (_, i) => list[Math.floor(i * step)]!);
  });
}

async function meshPixels(page: Page, faces: number[][]): Promise<{ mesh: number[] | null; probabilities: Record<string, number> | null }[]> {
  return page.evaluate(async (faces) => {
    const holder = window as unknown as { meshDetector?: import('@emolens/core').Detector };
    const detector = (holder.meshDetector ??= await window.emolens.createDetector({ backend: 'wasm' }));
    const out = [];
    for (const pixels of faces) {
      const small = new ImageData(48, 48);
      pixels.forEach((v, i) => small.data.set([v, v, v, 255], i * 4));
      const canvas = new OffscreenCanvas(48, 48);
      canvas.getContext('2d')!.putImageData(small, 0, 0);
      const big = new OffscreenCanvas(192, 192);
      big.getContext('2d')!.drawImage(canvas, 0, 0, 192, 192);
      const result = await detector.detect(await createImageBitmap(big), { returnLandmarks: true, faceRange: 'short' });
      const face = result.faces[0];
      out.push(face ? { mesh: face.landmarks!.flatMap((p) => [p.x, p.y, p.z]), probabilities: Object.fromEntries(face.emotions.all.map((s) => [s.label, s.confidence])) } : { mesh: null, probabilities: null });
    }
    return out;
  }, faces);
}

async function meshUrls(page: Page, urls: string[]): Promise<{ mesh: number[] | null; probabilities: Record<string, number> | null }[]> {
  return page.evaluate(async (urls) => {
    const holder = window as unknown as { meshDetector?: import('@emolens/core').Detector };
    const detector = (holder.meshDetector ??= await window.emolens.createDetector({ backend: 'wasm' }));
    const out = [];
    for (const url of urls) {
      const blob = await (await fetch(url)).blob();
      const result = await detector.detect(blob, { returnLandmarks: true, maxFaces: 1 });
      const face = result.faces[0];
      out.push(face ? { mesh: face.landmarks!.flatMap((p) => [p.x, p.y, p.z]), probabilities: Object.fromEntries(face.emotions.all.map((s) => [s.label, s.confidence])) } : { mesh: null, probabilities: null });
    }
    return out;
  }, urls);
}

/** The meshes of set `name` (`fer-training`, `fer-private`, `wild`), from the cache or computed now. */
export async function meshedFaces(name: 'fer-training' | 'fer-private' | 'wild'): Promise<MeshedFace[]> {
  const file = join(CACHE, `${name}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as MeshedFace[];
  const faces = await withTestPage([], async (page) => {
    if (name === 'wild') {
      const root = join(requireData(), 'wild');
      const rows = readFileSync(join(root, 'labels.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
      const meshed = await meshUrls(page, rows.map(([file]) => `/@fs${root}/${file}`));
      return rows.map(([file, label], i): MeshedFace => ({ id: `wild:${file}`, label: label === 'angry' ? 'anger' : label === 'happy' ? 'happiness' : label === 'sad' ? 'sadness' : label!, ...meshed[i]! }));
    }
    const picks = ferFaces(name === 'fer-training' ? 'Training' : 'PrivateTest', name === 'fer-training' ? 250 : 100_000);
    const images = readFileSync(join(ferRoot(), 'images.u8'));
    const out: MeshedFace[] = [];
    for (let start = 0; start < picks.length; start += 200) {
      const batch = picks.slice(start, start + 200);
      const meshed = await meshPixels(page, batch.map((p) => Array.from(images.subarray(p.index * FER_BYTES, (p.index + 1) * FER_BYTES))));
      batch.forEach((p, i) => out.push({ id: `fer:${p.index}`, label: p.label, votes: p.votes, ...meshed[i]! }));
      process.stderr.write(`${name}: ${out.length}/${picks.length}\r`);
    }
    return out;
  });
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(file, JSON.stringify(faces));
  return faces;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const name of process.argv.slice(2) as ('fer-training' | 'fer-private' | 'wild')[]) {
    const faces = await meshedFaces(name);
    console.log(`${name}: ${faces.length} faces, ${faces.filter((f) => f.mesh).length} meshed`);
  }
}
