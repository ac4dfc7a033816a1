// The contract between the model build scripts (models/, which write it) and the SDK (which reads it).
/**
 * The manifest that sits next to every model's build script (`models/<name>/manifest.json`).
 * The core package reads it at build time; the pipeline takes input size, normalisation,
 * crop framing and label order from it, so adding a classifier never touches the pipeline.
 */
export interface ModelManifest {
  /** Folder name under `models/`, also the model id users select (`classifier: 'human-emotion'`). */
  name: string;
  kind: 'face-landmarker' | 'emotion-classifier' | 'face-detector' | 'iris-landmarker';
  /** Human-readable one-liner. */
  description: string;
  /** File name of the built asset (written to `models/<name>/build/<file>`). */
  file: string;
  /** sha256 (hex) of the built file; `pnpm models` fails when a rebuild differs. */
  sha256: string;
  /** Size of the built file in bytes. */
  bytes: number;
  /** Licence of the built file (SPDX id) and where its text is. */
  license: string;
  /** The npm package(s) the weights come from, with exact versions and file paths inside them. */
  source: { package: string; version: string; files: string[] }[];
  /** Classifier and iris landmarker: the input tensor. */
  input?: ClassifierInput;
  /** Classifier: the output tensor (probabilities after softmax, shape [N, labels.length]); iris landmarker: the points. */
  output?: { name: string };
  /** Classifier only: the labels in the model's own output order, in its own vocabulary. */
  labels?: string[];
  /** Classifier only: the vocabulary `labels` are written in (see `@emolens/schema` label tables). */
  vocabulary?: 'fer2013' | 'faceapi' | 'wia';
  /** Classifier only: how the face is framed in the crop the model was trained on. */
  crop?: CropFraming;
  /** Iris landmarker only: its eye crop is `scale` × the distance between the eye corners (`pipeline/find/iris-geometry.ts`). */
  eyeCrop?: { scale: number };
  /** Face detector only: its tensors and how to decode them. */
  detector?: DetectorSpec;
  /** Set when the file is a quantised version of a float model: how it was quantised and what it cost. */
  quantization?: ModelQuantization;
}

/** Provenance of a quantised model (written by `research/emolens-fer/quantize.py`); build-time only. */
export interface ModelQuantization {
  /** How the weights are stored, e.g. `int8 symmetric per output channel`. */
  weights: string;
  /** How activations are quantised, e.g. `uint8 per tensor`. */
  activations: string;
  /** The data and rule the activation ranges came from. */
  calibration: string;
  /** Selection-split figures of the float and the quantised model, measured by the quantiser. */
  public_test: Record<string, Record<string, number>>;
}

/**
 * A single-shot (SSD) face detector such as BlazeFace: an NHWC RGB image in, per anchor one score logit
 * and `4 + 2 × keypoints` regression values out (box centre offset, size, keypoint offsets, in input pixels).
 */
export interface DetectorSpec {
  input: { name: string; width: number; height: number; mean: number[]; std: number[] };
  /** Output names: `boxes` `[1, anchors, 4 + 2 × keypoints]`, `scores` `[1, anchors, 1]` (logits). */
  outputs: { boxes: string; scores: string };
  /** Anchor grid, coarsest last: per stride, the anchors per cell (all centred on the cell, size 1). */
  anchors: { stride: number; perCell: number }[];
  /** Keypoints per face (BlazeFace: right eye, left eye, nose tip, mouth, right ear, left ear). */
  keypoints: number;
  /** Overlap (IoU) above which detections are merged by weighted non-maximum suppression. */
  nmsThreshold: number;
}

/** What the SDK carries of a manifest at run time: all but the prose and the provenance. */
export type RuntimeManifest = Omit<ModelManifest, 'description' | 'source' | 'quantization'> & {
  /** Set by the asset build when the model is quantised (its manifest has `quantization`): int8 kernels differ
   * slightly between execution providers, so the WebGPU self-check allows more (see `pipeline/classify.ts`). */
  quantized?: true;
};

export interface ClassifierInput {
  /** ONNX input name. */
  name: string;
  /** Always NHWC here, batch dimension dynamic. */
  layout: 'NHWC';
  width: number;
  height: number;
  /** 'rgb' → 3 channels; 'gray' → 1 channel computed as the dot product of RGB (0–255) with `luma`. */
  color: 'rgb' | 'gray';
  luma?: [number, number, number];
  /** Per channel: value fed = (pixel − mean) / std, pixel in 0–255. */
  mean: number[];
  std: number[];
}

/**
 * Framing of the square crop, relative to the eye-levelled face: the box is the bounding box of the
 * face landmarks after rotation, made square on its larger side, scaled by `scale`, and moved down by
 * `offsetY` × its side.
 */
export interface CropFraming {
  scale: number;
  offsetY: number;
}
