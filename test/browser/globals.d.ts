interface Window {
  emolens: typeof import('@emolens/core');
  /** The SDK's optional modules: the WebGPU runtime, and the classifiers other than the default by id. */
  extras: {
    webgpu: import('@emolens/core/webgpu').webgpu extends infer T ? T : never;
    classifiers: Record<string, typeof import('@emolens/core/classifiers/human-emotion').humanEmotion>;
  };
  loadModule(url: string): Promise<unknown>;
  /** The WASM detector `openDetectorPage` (harness.ts) creates. */
  detector: import('@emolens/core').Detector;
  /** The uploader test page (`page/uploader.html`): `@emolens/uploader`, and helpers of `page/uploader.ts`. */
  emolensUploader: typeof import('@emolens/uploader');
  /** The personalise test page (`page/personalise.html`): `@emolens/personalise`. */
  emolensPersonalise: typeof import('@emolens/personalise');
  /** The PWA example (`examples/pwa`): its detector and uploader. */
  __pwa?: { detector: import('@emolens/core').Detector; uploader: import('@emolens/uploader').Uploader };
  uploaderTest: {
    makeImage(width: number, height: number, type?: string, seed?: number): Promise<Blob>;
    up?: import('@emolens/uploader').Uploader;
    events: string[];
    start(options: import('@emolens/uploader').UploaderOptions): import('@emolens/uploader').Uploader;
  };
}
