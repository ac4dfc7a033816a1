/**
 * Fits one small head with TensorFlow.js: a dense layer of `hidden` tanh units, then a linear output layer.
 * Full-batch Adam for a fixed number of epochs, with L2 weight decay: the same data and seed give the same weights
 * (on the same backend).
 *
 * This is the only module that touches tfjs; it runs in the training worker (browser) or is loaded with `import()`
 * by the inline trainer (Node). Everything it takes and gives is plain typed arrays, so it crosses `postMessage`.
 *
 * With a `load` below 1 it paces itself: after the steps it runs it sleeps so that its compute is at most `load` of
 * the wall time. tfjs's `cpu` kernels are synchronous, so a fit would otherwise hold a core flat out for its whole
 * duration, and on a two-core device that core is one the detector's WASM threads need.
 */
import type * as Tf from '@tensorflow/tfjs';
import type { DenseHead, FitRequest, FitResult } from './fit-types.js';
import { seededRandom } from './seeded-random.js';

/** Shortest pause worth a timer: nested timers are clamped to 4 ms anyway, so smaller debts are carried over. */
const MIN_PAUSE_MS = 4;

/**
 * Fits `request` on the tfjs instance `tf` (whose backend is already chosen) and returns the head's weights. Every
 * tensor it makes is disposed before it returns. `load` in (0, 1]: the share of the wall time it computes (1: no
 * pauses); the weights do not depend on it.
 */
export async function fitHead(tf: typeof Tf, request: FitRequest, load = 1): Promise<FitResult> {
  const { rows, inputs, outputs, hidden } = request;
  const started = performance.now();
  const random = seededRandom(request.seed);
  // Glorot-uniform input layer from the seeded generator; the output layer starts at zero, so an untrained head
  // predicts no residual at all.
  const limit = Math.sqrt(6 / (inputs + hidden));
  const w1Init = Float32Array.from({ length: inputs * hidden }, () => (random() * 2 - 1) * limit);

  // A variable keeps its initial tensor alive beside it: those are disposed with the variables.
  const initial = [tf.tensor2d(w1Init, [inputs, hidden]), tf.zeros([hidden]), tf.zeros([hidden, outputs]), tf.zeros([outputs])] as const;
  const [w1, b1, w2, b2] = initial.map((t) => tf.variable(t, true)) as [Tf.Variable, Tf.Variable, Tf.Variable, Tf.Variable];
  const vars = [w1, b1, w2, b2];
  const x = tf.tensor2d(request.x, [rows, inputs]);
  const y = tf.tensor2d(request.y, [rows, outputs]);
  const offset = request.offset ? tf.tensor2d(request.offset, [rows, outputs]) : undefined;
  const optimizer = tf.train.adam(request.learningRate);

  const loss = (): Tf.Scalar =>
    tf.tidy(() => {
      const out = tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x, w1), b1)), w2), b2);
      const fitLoss =
        request.loss === 'huber'
          ? tf.losses.huberLoss(y, out, undefined, request.huberDelta)
          : tf.losses.softmaxCrossEntropy(y, offset ? tf.add(out, offset) : out);
      const decay = tf.mul(request.l2, tf.add(tf.sum(tf.square(w1)), tf.sum(tf.square(w2))));
      return tf.add(fitLoss, decay) as Tf.Scalar;
    });

  let finalLoss = Number.NaN;
  // Pause owed (ms): each step adds its duration × (1 / load − 1); paid once it reaches MIN_PAUSE_MS.
  let owed = 0;
  try {
    for (let epoch = 0; epoch < request.epochs; epoch++) {
      const stepStarted = performance.now();
      const last = epoch === request.epochs - 1;
      const value = optimizer.minimize(loss, last, vars);
      if (value) {
        finalLoss = value.dataSync()[0] ?? Number.NaN;
        value.dispose();
      }
      if (load < 1 && !last) {
        owed += (performance.now() - stepStarted) * (1 / load - 1);
        if (owed >= MIN_PAUSE_MS) {
          const pauseStarted = performance.now();
          await new Promise((resolve) => setTimeout(resolve, owed));
          owed -= performance.now() - pauseStarted; // a late timer pays more than it owed: credit the rest
        }
      }
    }
    const head: DenseHead = {
      inputs,
      hidden,
      outputs,
      w1: w1.dataSync() as Float32Array,
      b1: b1.dataSync() as Float32Array,
      w2: w2.dataSync() as Float32Array,
      b2: b2.dataSync() as Float32Array,
    };
    return { head: copyHead(head), loss: finalLoss, ms: performance.now() - started, backend: tf.getBackend() };
  } finally {
    optimizer.dispose();
    tf.dispose([...vars, ...initial, x, y, ...(offset ? [offset] : [])]);
  }
}

/** A head whose arrays are its own (tfjs may hand out views of its buffers). */
function copyHead(head: DenseHead): DenseHead {
  return { ...head, w1: Float32Array.from(head.w1), b1: Float32Array.from(head.b1), w2: Float32Array.from(head.w2), b2: Float32Array.from(head.b2) };
}
