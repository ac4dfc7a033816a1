/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** A classifier other than the default, chosen at build time (`emolens-ferplus`). */
  readonly VITE_EMOLENS_CLASSIFIER?: string;
}
