/**
 * The classifiers' start-up self-check and warm-up run on a schematic face drawn in code
 * (packages/core/src/inference/self-check-face.ts), not on an image. The self-check compares WebGPU with WASM
 * and wants the same top class, so the drawing must read as a face to every shipped classifier: one class well
 * ahead of the rest, never a near tie that rounding could flip. Run here through `pnpm eval`'s classifier
 * (onnxruntime-web, WASM), each model at its own input size, as the SDK draws it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { schematicFace } from '../../packages/core/src/inference/self-check-face.ts';
import { Classifier, classifierManifests } from '../eval/classifier.ts';

/** The drawing's grey channel (R = G = B), `size` × `size`. */
function grey(size: number): Uint8Array {
  const rgba = schematicFace(size, size);
  return Uint8Array.from({ length: size * size }, (_, i) => rgba[i * 4]!);
}

describe('the schematic face', () => {
  it('is opaque grey, the same on every call, with dark eyes inside a lighter face', () => {
    const a = schematicFace(48, 48);
    expect(a).toEqual(schematicFace(48, 48));
    for (let i = 0; i < a.length; i += 4) {
      expect(a[i + 1]).toBe(a[i]);
      expect(a[i + 2]).toBe(a[i]);
      expect(a[i + 3]).toBe(255);
    }
    const at = (x: number, y: number) => a[(Math.floor(y * 48) * 48 + Math.floor(x * 48)) * 4]!;
    expect(at(0.33, 0.42)).toBeLessThan(at(0.5, 0.45) - 80); // left eye vs. between the eyes
    expect(at(0.5, 0.45)).toBeGreaterThan(at(0.03, 0.5) + 60); // face vs. background
  });

  const classifiers: Classifier[] = [];
  afterAll(async () => {
    for (const c of classifiers) await c.dispose();
  });

  it.each(classifierManifests().map((m) => [m.name, m] as const))('reads as one clear expression to %s', async (_name, manifest) => {
    const classifier = await Classifier.load(manifest);
    classifiers.push(classifier);
    const size = manifest.input.width;
    const [p] = await classifier.classify([grey(size)], size);
    const sorted = [...p!].sort((x, y) => y - x);
    console.log(`${manifest.name} on the schematic face: top ${sorted[0]!.toFixed(3)}, second ${sorted[1]!.toFixed(3)}`);
    expect(sorted[0]).toBeGreaterThan(0.5);
    expect(sorted[0]! - sorted[1]!).toBeGreaterThan(0.25);
  });
});
