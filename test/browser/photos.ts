/** The photos the browser tests use, as URLs on the test server. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { requireData } from '../setup/paths.ts';
import { dataUrl, repoUrl } from './harness.ts';

/** The 96 wild photos (one face each) with their labels (FER2013 words). */
export function wildPhotos(): { url: string; label: string }[] {
  const csv = readFileSync(join(requireData(), 'wild', 'labels.csv'), 'utf8').trim().split('\n').slice(1);
  return csv.map((line) => {
    const [file, label] = line.split(',');
    return { url: dataUrl(`wild/${file}`), label: label! };
  });
}

/**
 * `@vladmandic/face-api`'s demo group photos (test inputs only, never shipped), with the number of
 * people whose face is visible in each (counted by eye).
 */
export function groupPhotos(): { url: string; people: number }[] {
  const demo = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
  const people = [3, 3, 3, 4, 5, 4];
  return people.map((n, i) => ({ url: repoUrl(join(demo, `sample${i + 1}.jpg`)), people: n }));
}

/** URL of the wild photo of a clear smile the input and contract tests use. */
export function happyPhoto(): string {
  return wildPhotos().find((p) => p.url.includes('faceapi_happy'))!.url;
}

/** The file of {@link happyPhoto}, for a test that reads its pixels in Node. */
export function happyPhotoPath(): string {
  return join(requireData(), 'wild', 'happy', 'faceapi_happy.jpg');
}
