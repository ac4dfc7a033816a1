/**
 * Fits one small head with TensorFlow.js: a dense layer of `hidden` tanh units, then a linear output layer.
 * Full-batch Adam for a fixed number of epochs, with L2 weight decay: the same data and seed give the same weights
 * (on the same backend).
 *
 * This is the only module that touches tfjs; it runs in the training worker (browser) or is loaded with `import()`
 * by the inline trainer (Node). Everything it takes and gives is plain typed arrays, so it crosses `postMessage`.
 */
import type * as Tf from '@tensorflow/tfjs';
import type { DenseHead, FitRequest, FitResult } from './fit-types.js';
import { seededRandom } from './seeded-random.js';

/**
 * Fits `request` on the tfjs instance `tf` (whose backend is already chosen) and returns the head's weights. Every
 * tensor it makes is disposed before it returns.
 */
export function fitHead(tf: typeof Tf, request: FitRequest): FitResult {
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
  try {
    for (let epoch = 0; epoch < request.epochs; epoch++) {
      const last = epoch === request.epochs - 1;
      const value = optimizer.minimize(loss, last, vars);
      if (value) {
        finalLoss = value.dataSync()[0] ?? Number.NaN;
        value.dispose();
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
