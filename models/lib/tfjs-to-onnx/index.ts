/**
 * tfjs → ONNX conversion: weights-manifest decoding, filter re-layout, TF padding, an NHWC op
 * emitter, a graph-model translator and a deterministic ONNX writer.
 */
export * from './weights.ts';
export * from './layout.ts';
export * from './padding.ts';
export * from './onnx-writer.ts';
export * from './nhwc-net.ts';
export * from './graph-model.ts';
