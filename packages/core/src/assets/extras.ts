/**
 * What an optional module (`@emolens/core/webgpu`, `@emolens/core/classifiers/<id>`) hands to `createDetector`: the
 * URLs of its assets as the app's bundler resolved them. Only an app that imports such a module has its assets in
 * its build.
 */

/** Asset id → URL, resolved by the bundler. */
export type AssetUrlMap = Readonly<Record<string, () => string>>;

/** An emotion classifier other than the default, as `@emolens/core/classifiers/<id>` exports it. */
export interface ClassifierModule {
  /** The classifier id (`classifierIds()` lists them). */
  readonly id: string;
  readonly assetUrls: AssetUrlMap;
}

/** The onnxruntime WebGPU build, as `@emolens/core/webgpu` exports it. */
export interface WebGpuRuntime {
  readonly backend: 'webgpu';
  readonly assetUrls: AssetUrlMap;
}
