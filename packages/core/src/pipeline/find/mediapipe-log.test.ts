import { describe, expect, it } from 'vitest';
import { isChatter, mediapipeSink, quietMediapipe } from './mediapipe-log.js';

// What tasks-vision 1.1.0 printed for one detect with the mesh path and a dispose, captured in Chromium.
const CHATTER = [
  'I1128 12:46:57.371000 2172416 gl_context.cc:408] GL version: 3.0 (OpenGL ES 3.0 (WebGL 2.0 (OpenGL ES 3.0 Chromium))), renderer: WebKit WebGL',
  'W1128 12:46:57.374000 2172416 gl_context.cc:1135] OpenGL error checking is disabled',
  'Graph successfully started running.',
  'INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n',
  'W1128 12:46:57.417999 2172416 inference_feedback_manager.cc:121] Feedback manager requires a model with a single signature inference. Disabling support for feedback tensors.',
  'Graph finished closing successfully.',
  'I1128 12:46:58.147000 2172416 gl_context_webgl.cc:149] Successfully destroyed WebGL context with handle 1',
  '',
];

const NEWS = [
  'E1128 12:46:57.417999 2172416 calculator_graph.cc:887] INTERNAL: Graph has errors',
  'ERROR: failed to allocate tensors',
  'Aborted(OOM)',
  'F1128 12:00:00.000000 1 tflite.cc:1] Check failed: model',
];

describe('MediaPipe output', () => {
  it('drops what only informs and keeps errors and aborts', () => {
    expect(CHATTER.filter((line) => !isChatter(line))).toEqual([]);
    expect(NEWS.filter(isChatter)).toEqual([]);
  });

  it('passes the lines that matter on, marked as MediaPipe’s, and nothing else', () => {
    const written: string[] = [];
    const sink = mediapipeSink((line) => written.push(line));
    for (const line of [...CHATTER, ...NEWS]) sink(line);
    expect(written).toEqual(NEWS.map((line) => `[EmoLens: MediaPipe] ${line}`));
  });

  it('hands the factory its stdout and stderr sinks on the argument tasks-vision gives, and replaces the glog sink', async () => {
    const factory = async (arg: Record<string, unknown> = {}) => arg;
    const scope: { custom_dbg?: unknown } = { custom_dbg: () => undefined };
    const original = scope.custom_dbg;
    const arg = { locateFile: () => 'x.wasm' };
    const module = (await quietMediapipe(factory, scope)(arg)) as Record<string, unknown>;
    expect(module).toBe(arg);
    expect(typeof module['print']).toBe('function');
    expect(typeof module['printErr']).toBe('function');
    expect(scope.custom_dbg).not.toBe(original);
    expect(typeof scope.custom_dbg).toBe('function');
  });
});
