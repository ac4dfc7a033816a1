/**
 * `@emolens/schema`: the result and error formats of EmoLens and the emotion label vocabularies.
 * No dependencies, no side effects.
 * @packageDocumentation
 */
export * from './labels.js';
export * from './wia.js';
export * from './errors.js';
