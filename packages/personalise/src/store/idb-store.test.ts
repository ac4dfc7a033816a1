import 'fake-indexeddb/auto';
import '../testing/quiet-tfjs.js';
import { describe, expect, it } from 'vitest';
import { createPersonaliser } from '../personaliser.js';
import { drowsyCorrections } from '../testing/synthetic.js';
import { idbStore, personaliseDatabaseName } from './idb-store.js';

const RUN = Math.random().toString(36).slice(2);
let counter = 0;
const freshName = () => `test-${RUN}-${++counter}`;

describe('the IndexedDB store', () => {
  it('names its database after the store', () => {
    expect(personaliseDatabaseName('alice')).toBe('emolens-personalise:alice');
  });

  it('keeps corrections in order and drops the oldest past the limit', async () => {
    const store = idbStore(freshName());
    const corrections = drowsyCorrections(5, 1).map((c) => ({ ...c, features: Array.from(c.features) }));
    for (const c of corrections) await store.append(c, 3);
    const { corrections: kept, model } = await store.load();
    expect(kept).toEqual(corrections.slice(2));
    expect(model).toBeUndefined();
  });

  it('brings a personaliser back after a reload: corrections, model, predictions', async () => {
    const storeName = freshName();
    const options = { storeName, retrainEvery: 0, epochs: 30 };
    const first = await createPersonaliser(options);
    for (const c of drowsyCorrections(8, 3)) await first.addCorrection(c);
    await first.train();
    const probe = drowsyCorrections(1, 5)[0]!;
    const reopened = await createPersonaliser(options);
    expect(reopened.state).toMatchObject({ corrections: 8, trainedOn: 8, pending: 0 });
    expect(reopened.predict(probe.features, probe.predicted)).toEqual(first.predict(probe.features, probe.predicted));
    await reopened.reset();
    const afterReset = await createPersonaliser(options);
    expect(afterReset.state).toMatchObject({ corrections: 0, trainedOn: 0 });
  });

  it('does not store a refused correction', async () => {
    const storeName = freshName();
    const p = await createPersonaliser({ storeName, retrainEvery: 0 });
    const [c] = drowsyCorrections(1, 7);
    await expect(p.addCorrection({ ...c!, corrected: { ...c!.corrected, boredom: 7 } })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    expect((await idbStore(storeName).load()).corrections).toEqual([]);
  });

  it('leaves out stored records it cannot train on (damaged, or written by another version), and trains on the rest', async () => {
    const storeName = freshName();
    const store = idbStore(storeName);
    const good = drowsyCorrections(6, 9).map((c) => ({ ...c, features: Array.from(c.features) }));
    const junk = [
      'a string',
      { features: good[0]!.features },
      { ...good[0]!, corrected: { ...good[0]!.corrected, boredom: Number.NaN } },
      { ...good[0]!, features: good[0]!.features.slice(1) },
    ];
    for (const record of [...good.slice(0, 3), ...junk, ...good.slice(3)]) await store.append(record as never, 100);
    const p = await createPersonaliser({ storeName, retrainEvery: 0, epochs: 20 });
    expect(p.state).toMatchObject({ corrections: 6, pending: 6 });
    const info = await p.train();
    expect(info).toMatchObject({ corrections: 6, skipped: false });
    expect(p.state.pending).toBe(0);
    const out = p.predict(good[0]!.features, good[0]!.predicted);
    expect(Object.values(out).every((v) => Number.isFinite(v) && v >= 0 && v <= 3)).toBe(true);
    p.dispose();
  });
});
