/**
 * The manifest that sits next to every model's build script (`models/<name>/manifest.json`). The one
 * definition lives in the SDK, which reads it; the build scripts write it.
 */
export type { ClassifierInput, CropFraming, ModelManifest } from '../../packages/core/src/assets/manifest.ts';
