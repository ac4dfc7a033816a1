interface Window {
  emolens: typeof import('@emolens/core');
  loadModule(url: string): Promise<unknown>;
}
