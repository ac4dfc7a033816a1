/**
 * The iris stage of the mesh path, run when a requested signal needs `iris`: both eyes of every face cropped from
 * its mesh (`iris-geometry.ts`), all crops in one call of the iris model (where onnxruntime runs), and each eye's
 * five iris points mapped back into `DetectedFace.iris`.
 */
import type { IrisManifest } from '../../assets/registry.js';
import { EyeCropRenderer } from '../frame/eye-crop.js';
import { valuesPerFace, writeFace } from '../frame/preprocess.js';
import type { DetectedFace } from './detected-face.js';
import { EYES, eyeCrop, IRIS_OUTPUT, IRIS_POINTS, irisToFrame } from './iris-geometry.js';

/** Runs the iris model on `count` eye crops (`input` is transferred); the outputs, 76 × x/y/z per crop, one after the other. */
export type RunIris = (input: Float32Array, count: number) => Promise<Float32Array>;

export class IrisStage {
  constructor(
    private readonly manifest: IrisManifest,
    private readonly run: RunIris,
    private readonly renderer = new EyeCropRenderer(manifest.input.width),
  ) {}

  /** Sets `iris` on each face of `frame` that has a mesh. */
  async locate(frame: CanvasImageSource, faces: readonly DetectedFace[]): Promise<void> {
    const meshed = faces.filter((face) => face.mesh);
    if (meshed.length === 0) return;
    const { input, eyeCrop: framing } = this.manifest;
    const crops = meshed.flatMap((face) => EYES.map((eye) => eyeCrop(face.mesh!, eye, framing.scale)));
    const tensor = new Float32Array(valuesPerFace(input) * crops.length);
    crops.forEach((crop, slot) => writeFace(this.renderer.render(frame, crop), input, tensor, slot));
    const points = await this.run(tensor, crops.length);
    const perCrop = IRIS_OUTPUT.points * 3;
    meshed.forEach((face, f) => {
      const iris = new Float32Array(EYES.length * IRIS_POINTS * 3);
      EYES.forEach((eye, e) => {
        const slot = f * EYES.length + e;
        irisToFrame(points.subarray(slot * perCrop, (slot + 1) * perCrop), crops[slot]!, input.width, face.mesh!, eye, iris, e * IRIS_POINTS * 3);
      });
      face.iris = iris;
    });
  }
}
