/**
 * `@emolens/schema`: the result and error formats of EmoLens, the emotion label vocabularies, pure adapters from
 * the WIA result/errors to the other REST formats (each with a JSON Schema in `schemas/`), and the checks every
 * package of EmoLens makes of what an app passes (option keys, platform objects from any realm).
 * No dependencies, no side effects.
 * @packageDocumentation
 */
export * from './labels.js';
export * from './wia.js';
export * from './wia-video.js';
export * from './errors.js';
export * from './face-options.js';
export * from './unknown-option.js';
export * from './platform-brand.js';
export * from './bind-methods.js';
export * from './json-schemas.generated.js';
export * from './wakee.js';
export * from './adapters/largest-face.js';
export * from './adapters/emotion-api.js';
export * from './adapters/webcam.js';
export * from './adapters/wakee-predict.js';
export * from './adapters/ranked-list.js';
export * from './adapters/samo-error.js';
export * from './adapters/wia-request.js';
export * from './adapters/wia-video-request.js';
