interface Window {
  emolens: typeof import('@emolens/core');
  /** The SDK's optional modules: the WebGPU runtime, and the classifiers other than the default by id. */
  extras: {
    webgpu: import('@emolens/core/webgpu').webgpu extends infer T ? T : never;
    classifiers: Record<string, typeof import('@emolens/core/classifiers/human-emotion').humanEmotion>;
  };
  loadModule(url: string): Promise<unknown>;
}
