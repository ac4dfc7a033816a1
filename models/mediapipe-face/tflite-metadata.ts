/**
 * TFLite model metadata (`metadata_schema.fbs`, identifier `M001`) with the one thing MediaPipe
 * Tasks needs from a float image model: the input NormalizationOptions, i.e. how pixels (0–255)
 * map to input values (`(pixel − mean) / std`).
 */
import { Builder } from 'flatbuffers';
import type { TfliteEditor } from './tflite-model.ts';

/** Name of the `Model.metadata` entry that holds the metadata FlatBuffer. */
export const TFLITE_METADATA = 'TFLITE_METADATA';

// Vtable slots from metadata_schema.fbs.
const MODEL_METADATA = { name: 0, description: 1, subgraphMetadata: 3, license: 5, minParserVersion: 7 } as const;
const SUBGRAPH_METADATA = { inputTensorMetadata: 2 } as const;
const TENSOR_METADATA = { name: 0, description: 1, processUnits: 4 } as const;
const PROCESS_UNIT = { optionsType: 0, options: 1 } as const;
const NORMALIZATION_OPTIONS = { mean: 0, std: 1 } as const;
/** `ProcessUnitOptions` union value of NormalizationOptions. */
const NORMALIZATION_OPTIONS_TYPE = 1;
/** Oldest metadata parser that understands NormalizationOptions. */
const MIN_PARSER_VERSION = '1.0.0';

/** What to write into the metadata. */
export interface ImageModelMetadata {
  /** Model name. */
  name: string;
  description: string;
  /** SPDX licence id of the model. */
  license: string;
  /** Name given to the (single) input image tensor. */
  inputName: string;
  /** Per-channel (or single) normalisation: value = (pixel − mean) / std. */
  mean: number[];
  std: number[];
}

/** Serialises a `ModelMetadata` FlatBuffer (identifier `M001`) for a single-input image model. */
export function buildImageModelMetadata(meta: ImageModelMetadata): Uint8Array {
  const b = new Builder(256);
  const floats = (values: number[]): number => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]!);
    return b.endVector();
  };
  const offsets = (values: number[]): number => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addOffset(values[i]!);
    return b.endVector();
  };

  const mean = floats(meta.mean);
  const std = floats(meta.std);
  b.startObject(2);
  b.addFieldOffset(NORMALIZATION_OPTIONS.mean, mean, 0);
  b.addFieldOffset(NORMALIZATION_OPTIONS.std, std, 0);
  const normalization = b.endObject();

  b.startObject(2);
  b.addFieldOffset(PROCESS_UNIT.options, normalization, 0);
  b.addFieldInt8(PROCESS_UNIT.optionsType, NORMALIZATION_OPTIONS_TYPE, 0);
  const processUnit = b.endObject();

  const inputName = b.createString(meta.inputName);
  const inputDescription = b.createString('Input image, RGB, pixel values normalised as (pixel - mean) / std.');
  const processUnits = offsets([processUnit]);
  b.startObject(5);
  b.addFieldOffset(TENSOR_METADATA.name, inputName, 0);
  b.addFieldOffset(TENSOR_METADATA.description, inputDescription, 0);
  b.addFieldOffset(TENSOR_METADATA.processUnits, processUnits, 0);
  const inputTensor = b.endObject();

  const inputs = offsets([inputTensor]);
  b.startObject(3);
  b.addFieldOffset(SUBGRAPH_METADATA.inputTensorMetadata, inputs, 0);
  const subgraph = b.endObject();

  const name = b.createString(meta.name);
  const description = b.createString(meta.description);
  const license = b.createString(meta.license);
  const minParser = b.createString(MIN_PARSER_VERSION);
  const subgraphs = offsets([subgraph]);
  b.startObject(8);
  b.addFieldOffset(MODEL_METADATA.name, name, 0);
  b.addFieldOffset(MODEL_METADATA.description, description, 0);
  b.addFieldOffset(MODEL_METADATA.subgraphMetadata, subgraphs, 0);
  b.addFieldOffset(MODEL_METADATA.license, license, 0);
  b.addFieldOffset(MODEL_METADATA.minParserVersion, minParser, 0);
  const root = b.endObject();
  b.finish(root, 'M001');
  return b.asUint8Array().slice();
}

/** Adds `meta` to the model being edited as its `TFLITE_METADATA` entry. */
export function addImageModelMetadata(editor: TfliteEditor, meta: ImageModelMetadata): void {
  editor.addMetadata(TFLITE_METADATA, buildImageModelMetadata(meta));
}
