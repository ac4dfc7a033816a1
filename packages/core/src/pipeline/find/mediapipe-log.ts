/**
 * MediaPipe's wasm (tasks-vision 1.1.0) prints its own start-up and shut-down chatter on the worker's console: glog
 * lines (`I1128 12:46:57.371 … GL version …`, `W… OpenGL error checking is disabled`), "Graph successfully started
 * running." and TensorFlow Lite's "INFO: Created TensorFlow Lite XNNPACK delegate for CPU." — that last one through
 * `console.error`, so every page that used the mesh path showed an error. The console belongs to the app: the SDK
 * drops the informational lines and passes on the rest (glog errors, TensorFlow Lite errors, an abort), marked as
 * MediaPipe's.
 */

/** Lines that only inform: glog INFO and WARNING, TensorFlow Lite's INFO and WARNING, the graph's start and close. */
const CHATTER = [/^[IW]\d{4} /, /^(INFO|WARNING): /, /^Graph (successfully started running|finished closing successfully)\.$/];

/** Whether MediaPipe's `line` only informs (and is dropped). */
export function isChatter(line: string): boolean {
  const text = line.trim();
  return text === '' || CHATTER.some((pattern) => pattern.test(text));
}

/** A sink for MediaPipe's output that drops its chatter and hands any other line, prefixed, to `write`. */
export function mediapipeSink(write: (line: string) => void): (...text: unknown[]) => void {
  return (...text) => {
    const line = text.map(String).join(' ');
    if (!isChatter(line)) write(`[EmoLens: MediaPipe] ${line.trim()}`);
  };
}

/** An emscripten module factory, as tasks-vision's wasm loader exports it. */
type ModuleFactory = (moduleArg?: Record<string, unknown>) => Promise<unknown>;

/**
 * Routes the output of MediaPipe's wasm module through {@link mediapipeSink}: `factory` (the loader's export) gets
 * `print` and `printErr` (its stdout and stderr), and `scope.custom_dbg` (where its glog lines go) is replaced.
 * Returns the factory to hand to tasks-vision.
 */
export function quietMediapipe(factory: ModuleFactory, scope: { custom_dbg?: unknown }): ModuleFactory {
  scope.custom_dbg = mediapipeSink((line) => console.warn(line));
  return (moduleArg = {}) =>
    // The same object: emscripten builds the module on the argument it is given.
    factory(Object.assign(moduleArg, { print: mediapipeSink((line) => console.log(line)), printErr: mediapipeSink((line) => console.error(line)) }));
}
