/**
 * Grows a model output by appending a PAD op: MediaPipe Tasks' FaceLandmarker expects 478×3
 * landmark values, the legacy `face_landmark.tflite` outputs 468×3. Zero-padding the last axis
 * gives the 468 real points followed by dummy points, which callers slice off.
 */
import { TensorType, type TfliteEditor } from './tflite-model.ts';

/** TFLite `BuiltinOperator.PAD`. */
export const BUILTIN_PAD = 34;
/** TFLite `BuiltinOptions.PadOptions`. */
const PAD_OPTIONS = 22;

/** Result of {@link appendPadToOutput}. */
export interface PaddedOutput {
  /** Index of the original output tensor (now an intermediate). */
  from: number;
  /** Index of the new, padded output tensor. */
  to: number;
  shape: number[];
}

/**
 * Replaces the float32 output with `fromSize` elements by a PAD of it along its last axis to
 * `toSize` elements (zeros appended at the end), keeping the order of the subgraph outputs.
 * The new tensor is named `<original name>_padded`.
 */
export function appendPadToOutput(editor: TfliteEditor, fromSize: number, toSize: number): PaddedOutput {
  const outputs = editor.outputs();
  const matches = outputs.filter((i) => editor.tensor(i).shape.reduce((a, d) => a * d, 1) === fromSize);
  if (matches.length !== 1) throw new Error(`append-pad: expected one output with ${fromSize} elements, found ${matches.length}`);
  const from = matches[0]!;
  const source = editor.tensor(from);
  if (source.type !== TensorType.FLOAT32) throw new Error(`append-pad: output ${source.name} is not float32`);
  const last = source.shape[source.shape.length - 1]!;
  if (last !== fromSize) throw new Error(`append-pad: ${source.name} ${JSON.stringify(source.shape)} is not flat on its last axis`);

  // paddings: int32 [rank, 2], (before, after) per axis; only the last axis grows, at its end.
  const rank = source.shape.length;
  const paddings = new Int32Array(rank * 2);
  paddings[rank * 2 - 1] = toSize - fromSize;
  const paddingsBytes = new Uint8Array(rank * 8);
  const view = new DataView(paddingsBytes.buffer);
  paddings.forEach((v, i) => view.setInt32(i * 4, v, true));
  const paddingsTensor = editor.addTensor({
    name: `${source.name}_paddings`,
    shape: [rank, 2],
    type: TensorType.INT32,
    buffer: editor.addBuffer(paddingsBytes),
  });

  const shape = [...source.shape.slice(0, -1), toSize];
  const to = editor.addTensor({ name: `${source.name}_padded`, shape, type: TensorType.FLOAT32, buffer: 0 });
  editor.addOperator({
    opcodeIndex: editor.opcodeIndex(BUILTIN_PAD),
    inputs: [from, paddingsTensor],
    outputs: [to],
    builtinOptionsType: PAD_OPTIONS,
  });
  editor.setOutputs(outputs.map((i) => (i === from ? to : i)));
  return { from, to, shape };
}
