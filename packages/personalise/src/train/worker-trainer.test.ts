import '../testing/quiet-tfjs.js';
import { expose } from 'comlink';
import { describe, expect, it } from 'vitest';
import { createPersonaliser } from '../personaliser.js';
import { drowsyCorrections } from '../testing/synthetic.js';
import { createTrainWorkerApi } from './train-worker-api.js';

/** A stand-in for the training worker: the worker's own API, served over a MessageChannel in this thread. */
function channelWorker(api: object = createTrainWorkerApi()): Worker {
  const { port1, port2 } = new MessageChannel();
  expose(api, port2 as unknown as Parameters<typeof expose>[1]);
  return Object.assign(port1, { terminate: () => port1.close() }) as unknown as Worker;
}

describe('training in the worker', () => {
  it('trains over the worker boundary exactly as inline', async () => {
    const corrections = drowsyCorrections(12, 3).map((c, i) => (i % 3 ? c : { ...c, correctedEmotion: 'neutral' as const }));
    let spawned = 0;
    const inWorker = await createPersonaliser({ inMemory: true, retrainEvery: 0, epochs: 30, training: 'worker', worker: () => (spawned++, channelWorker()) });
    const inline = await createPersonaliser({ inMemory: true, retrainEvery: 0, epochs: 30, training: 'inline' });
    for (const c of corrections) {
      await inWorker.addCorrection(c);
      await inline.addCorrection(c);
    }
    const info = await inWorker.train();
    await inline.train();
    expect(info).toMatchObject({ corrections: 12, emotionCorrections: 4, backend: 'cpu', skipped: false });
    expect(inWorker.export()).toEqual(inline.export());
    await inWorker.train();
    expect(spawned).toBe(1); // one worker, kept
    inWorker.dispose();
  });

  it('paces a training (trainingLoad) without changing what it learns', async () => {
    const corrections = drowsyCorrections(40, 4);
    const [flat, paced] = await Promise.all(
      [1, 0.25].map((trainingLoad) => createPersonaliser({ inMemory: true, retrainEvery: 0, epochs: 40, training: 'worker', worker: () => channelWorker(), trainingLoad })),
    );
    for (const c of corrections) {
      await flat!.addCorrection(c);
      await paced!.addCorrection(c);
    }
    await flat!.train(); // warm-up: tfjs loaded, kernels compiled
    const flatInfo = await flat!.train();
    const pacedInfo = await paced!.train();
    expect(paced!.export()).toEqual(flat!.export());
    // Three quarters of its time paused: well over twice as long (not four times: the timers' clamping is paid back).
    expect(pacedInfo.fitMs.states).toBeGreaterThan(2 * flatInfo.fitMs.states);
    flat!.dispose();
    paced!.dispose();
  });

  it('rejects with INTERNAL_ERROR when the worker fails, keeps the model, and starts a fresh worker next time', async () => {
    let calls = 0;
    const flaky = { fit: async (requests: never[]) => (++calls === 2 ? Promise.reject(new Error('boom')) : createTrainWorkerApi().fit(requests)) };
    const p = await createPersonaliser({ inMemory: true, retrainEvery: 0, epochs: 10, training: 'worker', worker: () => channelWorker(flaky) });
    for (const c of drowsyCorrections(3, 5)) await p.addCorrection(c);
    await p.train();
    const model = p.export();
    await expect(p.train()).rejects.toMatchObject({ name: 'EmoLensError', code: 'INTERNAL_ERROR' });
    expect(p.export()).toEqual(model);
    expect(p.state.pending).toBe(3);
    expect((await p.train()).skipped).toBe(false);
  });
});
