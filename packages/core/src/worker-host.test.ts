import { EmoLensError, type ErrorCode } from '@emolens/schema';
import type { Remote } from 'comlink';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeWorker, ensureErrorEvent, type FakeWorkerApi } from './testing/fake-worker.js';
import { registerErrorTransfer } from './worker/error-transfer.js';
import type { PipelineApi, PipelineConfig, PipelineInfo } from './worker/pipeline-api.js';
import { WorkerHost } from './worker-host.js';

const INFO: PipelineInfo = { backend: 'wasm', classifier: 'emolens-fer', threads: 1, classifierPlacement: 'inline' };

/** The fake pipeline's methods beyond the real API's, as a call's task sees them. */
interface TestApi {
  echo(value: number): Promise<number>;
  hang(): Promise<never>;
  fail(code: ErrorCode, message: string, reason: string): Promise<never>;
  throwPlain(message: string): Promise<never>;
}
const test = (api: Remote<PipelineApi>) => api as unknown as Remote<TestApi>;

/** A host whose spawner makes fake workers answering `init` with `init()`; `workers` lists them in spawn order. */
function host(init: () => unknown = () => INFO, onCrash?: (error: EmoLensError) => void) {
  const workers: FakeWorker[] = [];
  const api: FakeWorkerApi = {
    init,
    dispose: () => undefined,
    echo: (value: number) => value,
    hang: () => new Promise(() => undefined),
    fail: (code: ErrorCode, message: string, reason: string) => {
      throw new EmoLensError(code, message, { reason });
    },
    throwPlain: (message: string) => {
      throw new RangeError(message);
    },
  };
  const spawn = () => {
    const worker = new FakeWorker(api);
    workers.push(worker);
    return worker as unknown as Worker;
  };
  return { host: new WorkerHost(spawn, {} as PipelineConfig, undefined, onCrash), workers };
}

const caught = (promise: Promise<unknown>) => promise.then(() => 'resolved', (error: unknown) => error);
/** Lets the ports deliver what is in flight. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

beforeAll(() => {
  ensureErrorEvent();
  registerErrorTransfer();
});

describe('WorkerHost', () => {
  it('starts one worker, reports its info, and runs every call on it', async () => {
    const { host: h, workers } = host();
    expect(await h.start()).toEqual(INFO);
    expect(await h.call((api) => test(api).echo(7))).toBe(7);
    expect(await Promise.all([1, 2, 3].map((n) => h.call((api) => test(api).echo(n))))).toEqual([1, 2, 3]);
    expect(workers).toHaveLength(1);
  });

  it("fails the start with MODEL_LOAD_FAILED (asset 'worker') when the script does not load, without onCrash", async () => {
    const onCrash = vi.fn();
    const { host: h, workers } = host(() => new Promise(() => undefined), onCrash);
    const start = caught(h.start());
    await settle();
    workers[0]!.failToLoad();
    const error = await start;
    expect(error).toBeInstanceOf(EmoLensError);
    expect(error).toMatchObject({ code: 'MODEL_LOAD_FAILED', details: { asset: 'worker' } });
    expect((error as EmoLensError).details.suggestion).toMatch(/dist\/browser\/worker/);
    expect(onCrash).not.toHaveBeenCalled();
    expect(workers[0]!.terminated).toBe(1);
  });

  it('fails the start with what a worker threw as it started, and a later start tries a new worker', async () => {
    let answer = false;
    const onCrash = vi.fn();
    const { host: h, workers } = host(() => (answer ? INFO : new Promise(() => undefined)), onCrash);
    const start = caught(h.start());
    await settle();
    workers[0]!.throwUncaught('SyntaxError: Unexpected token');
    expect(await start).toMatchObject({ code: 'MODEL_LOAD_FAILED', details: { asset: 'worker', reason: 'SyntaxError: Unexpected token' } });
    answer = true;
    expect(await h.start()).toEqual(INFO);
    expect(workers).toHaveLength(2);
    expect(onCrash).not.toHaveBeenCalled();
  });

  it('rejects each call in flight once on a crash, tells onCrash once with its own id, and restarts on the next call', async () => {
    const onCrash = vi.fn();
    const { host: h, workers } = host(undefined, onCrash);
    await h.start();
    const inFlight = [caught(h.call((api) => test(api).hang())), caught(h.call((api) => test(api).hang()))];
    await settle();
    workers[0]!.throwUncaught('RuntimeError: memory access out of bounds');
    const errors = await Promise.all(inFlight);
    for (const error of errors) {
      expect(error).toBeInstanceOf(EmoLensError);
      expect(error).toMatchObject({ code: 'INTERNAL_ERROR', details: { kind: 'worker_crashed', reason: 'RuntimeError: memory access out of bounds' } });
      expect((error as EmoLensError).requestId).toBeUndefined(); // each gets its id at the public boundary
    }
    expect(onCrash).toHaveBeenCalledOnce();
    const reported = onCrash.mock.calls[0]![0] as EmoLensError;
    expect(reported).toMatchObject({ code: 'INTERNAL_ERROR', details: { kind: 'worker_crashed' } });
    expect(reported.requestId).toMatch(/\S/);
    expect(workers[0]!.terminated).toBe(1);
    expect(await h.call((api) => test(api).echo(5))).toBe(5);
    expect(workers).toHaveLength(2);
  });

  it('replaces the worker when a call fails with a wasm trap, and keeps it for any other error', async () => {
    const { host: h, workers } = host();
    await h.start();
    const typed = await caught(h.call((api) => test(api).fail('INVALID_IMAGE', 'bad pixels', 'empty')));
    expect(typed).toMatchObject({ code: 'INVALID_IMAGE', message: 'bad pixels' });
    const plain = await caught(h.call((api) => test(api).throwPlain('index out of range')));
    expect(plain).toMatchObject({ code: 'INTERNAL_ERROR', details: { kind: 'unexpected', reason: 'RangeError in the worker' } });
    expect(workers).toHaveLength(1);
    expect(workers[0]!.terminated).toBe(0);

    const trap = await caught(h.call((api) => test(api).fail('INTERNAL_ERROR', 'inference failed', 'RuntimeError: unreachable')));
    expect(trap).toMatchObject({ code: 'INTERNAL_ERROR', details: { kind: 'worker_crashed', reason: 'RuntimeError: unreachable' } });
    expect(workers[0]!.terminated).toBe(1);
    expect(await h.call((api) => test(api).echo(1))).toBe(1);
    expect(workers).toHaveLength(2);
  });

  it('ends a crashed worker once, however many paths reach it', async () => {
    const { host: h, workers } = host();
    await h.start();
    const trapped = caught(h.call((api) => test(api).fail('INTERNAL_ERROR', 'x', 'Aborted(OOM)')));
    workers[0]!.throwUncaught('Aborted(OOM)');
    await trapped;
    await settle();
    expect(workers[0]!.terminated).toBe(1);
  });

  it('treats a worker that dies while restarting after a crash as a crash, not a failed start', async () => {
    const onCrash = vi.fn();
    let answer = true;
    const { host: h, workers } = host(() => (answer ? INFO : new Promise(() => undefined)), onCrash);
    await h.start();
    workers[0]!.throwUncaught('RuntimeError: unreachable');
    await settle();
    answer = false;
    const restarting = caught(h.call((api) => test(api).echo(1)));
    await settle();
    expect(workers).toHaveLength(2);
    workers[1]!.failToLoad();
    expect(await restarting).toMatchObject({ code: 'INTERNAL_ERROR', details: { kind: 'worker_crashed' } });
    expect(onCrash).toHaveBeenCalledTimes(2);
  });

  it('recovers when the app’s onCrash throws', async () => {
    const { host: h, workers } = host(undefined, () => {
      throw new Error('app bug');
    });
    await h.start();
    workers[0]!.throwUncaught('RuntimeError: unreachable');
    await settle();
    expect(workers[0]!.terminated).toBe(1);
    expect(await h.call((api) => test(api).echo(2))).toBe(2);
    expect(workers).toHaveLength(2);
  });

  it('rejects the calls in flight and every later call with DISPOSED, and ends the worker', async () => {
    const { host: h, workers } = host();
    await h.start();
    const inFlight = caught(h.call((api) => test(api).hang()));
    await settle();
    await h.dispose();
    expect(await inFlight).toMatchObject({ code: 'DISPOSED' });
    expect(await caught(h.call((api) => test(api).echo(1)))).toMatchObject({ code: 'DISPOSED' });
    expect(await caught(h.start())).toMatchObject({ code: 'DISPOSED' });
    expect(workers[0]!.terminated).toBe(1);
    await h.dispose(); // twice is harmless
    expect(workers[0]!.terminated).toBe(1);
  });

  it('ends a start in progress with DISPOSED', async () => {
    const { host: h, workers } = host(() => new Promise(() => undefined));
    const start = caught(h.start());
    await settle();
    await h.dispose();
    expect(await start).toMatchObject({ code: 'DISPOSED' });
    expect(workers[0]!.terminated).toBe(1);
  });
});
