/**
 * MediaPipe for the mesh path, loaded the first time a call needs it: the tasks-vision wasm (loader and
 * binary, handed to tasks-vision as blob URLs) and the face landmarker bundle of each range.
 */
import { EmoLensError } from '@emolens/schema';
import type { AssetLoad } from '../../assets/asset-loader.js';
import type { LoadProgressEvent } from '../../assets/progress.js';
import { landmarkerManifest } from '../../assets/registry.js';
import { quietMediapipe } from './mediapipe-log.js';
import { MeshStage, type MeshMode } from './mesh-stage.js';
import type { DetectorRange, StageOptions, WasmFileset } from './detector-range.js';

export class MediapipeLoader {
  private fileset: Promise<WasmFileset> | undefined;
  private readonly bundles = new Map<DetectorRange, Promise<Uint8Array>>();
  private blobUrls: string[] = [];

  constructor(
    private readonly load: AssetLoad,
    private readonly progress: (event: LoadProgressEvent) => void,
  ) {}

  /**
   * A face landmarker for `range`, in `mode` (its wasm and bundle loaded on first use; a failed load is retried next
   * time).
   */
  async landmarker(range: DetectorRange, options: StageOptions, mode: MeshMode = 'image'): Promise<MeshStage> {
    const [files, bundle] = await Promise.all([this.files(), this.bundle(range)]);
    const model = `face-landmarker-${range}`;
    this.progress({ type: 'compile', model });
    try {
      // tasks-vision clears the wasm module factory after creating a task; set it before each one.
      const module = (await import(/* webpackIgnore: true */ /* @vite-ignore */ files.wasmLoaderPath)) as { default: Parameters<typeof quietMediapipe>[0] };
      const scope = self as { ModuleFactory?: unknown; custom_dbg?: unknown };
      scope.ModuleFactory = quietMediapipe(module.default, scope);
      // No loader path: tasks-vision would load it again, with importScripts where it can, which in a classic
      // worker (webpack builds one) fails on a module; without one it takes the ModuleFactory set here.
      return await MeshStage.create({ ...files, wasmLoaderPath: '' }, bundle, options, mode);
    } catch (cause) {
      throw new EmoLensError('MODEL_LOAD_FAILED', `Could not start the ${model} model`, { reason: String(cause), model }, { cause });
    }
  }

  /** Revokes the blob URLs. */
  release(): void {
    for (const url of this.blobUrls) URL.revokeObjectURL(url);
    this.blobUrls = [];
  }

  private files(): Promise<WasmFileset> {
    if (!this.fileset) {
      const fileset = Promise.all([this.load('mediapipe-loader'), this.load('mediapipe-wasm')]).then(([loader, wasm]) => ({
        wasmLoaderPath: this.blobUrl(loader, 'text/javascript'),
        wasmBinaryPath: this.blobUrl(wasm, 'application/wasm'),
      }));
      fileset.catch(() => (this.fileset = undefined));
      this.fileset = fileset;
    }
    return this.fileset;
  }

  private bundle(range: DetectorRange): Promise<Uint8Array> {
    let bytes = this.bundles.get(range);
    if (!bytes) {
      const face = landmarkerManifest(range === 'short' ? 'mediapipe-face' : 'mediapipe-face-full');
      bytes = this.load(face.name, face.sha256).then((b) => new Uint8Array(b));
      this.bundles.set(range, bytes);
      bytes.catch(() => this.bundles.delete(range));
    }
    return bytes;
  }

  private blobUrl(bytes: ArrayBuffer, type: string): string {
    const url = URL.createObjectURL(new Blob([bytes], { type }));
    this.blobUrls.push(url);
    return url;
  }
}
