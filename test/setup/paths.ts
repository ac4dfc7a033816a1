import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The shared data folder (`../shared/data` beside the repository, or `$EMOLENS_DATA`). Tests read the
 * FER2013 and wild photos from there; they are never copied into the repository.
 */
export const dataRoot = resolve(process.env.EMOLENS_DATA ?? join(repoRoot, '..', 'shared', 'data'));

export function requireData(): string {
  if (!existsSync(join(dataRoot, 'wild', 'labels.csv'))) {
    throw new Error(`The test data is missing: expected ${dataRoot}/wild (set EMOLENS_DATA to its folder)`);
  }
  return dataRoot;
}
