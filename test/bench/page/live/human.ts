/**
 * Human in its video mode: `human.detect(video)` in a loop (`peer-loop.ts`), configured as the side-by-side bench
 * configures it (`peers/human.ts`: faces and their emotion, nothing else) except for its frame-to-frame caching,
 * which is left at Human's defaults — that caching is how Human is meant to run on video: while the picture changes
 * little (`cacheSensitivity` 0.7), it reuses the face boxes for up to `skipFrames` 99 frames / `skipTime` 2.5 s and
 * the emotions for up to 99 frames / 1.5 s.
 */
import type { Config } from '@vladmandic/human';
import type { PeerBackend } from '../api.ts';
import { humanConfig, loadHuman } from '../peers/human.ts';
import { wasmThreads } from '../peers/tfjs.ts';
import type { LiveRunner } from './harness.ts';
import { peerLiveRunner } from './peer-loop.ts';

/** {@link humanConfig} with Human's own caching defaults restored. */
export function humanVideoConfig(backend: PeerBackend): Partial<Config> {
  const { cacheSensitivity: _cache, face, ...rest } = humanConfig(backend);
  const { skipFrames: _df, skipTime: _dt, ...detector } = face!.detector!;
  const { skipFrames: _ef, skipTime: _et, ...emotion } = face!.emotion!;
  return { ...rest, face: { ...face, detector, emotion } };
}

export async function createHumanLive(backend: PeerBackend | 'wasm'): Promise<LiveRunner> {
  const human = await loadHuman(humanVideoConfig(backend));
  const c = human.config;
  return peerLiveRunner(
    {
      system: 'human',
      backend,
      threads: backend === 'wasm' ? wasmThreads(human.tf) : null,
      version: `@vladmandic/human ${human.version}`,
      call:
        `human.detect(video) (cacheSensitivity ${c.cacheSensitivity}; detector skipFrames ${c.face.detector?.skipFrames}, ` +
        `skipTime ${c.face.detector?.skipTime} ms; emotion skipFrames ${c.face.emotion?.skipFrames}, skipTime ${c.face.emotion?.skipTime} ms)`,
    },
    async (input) => {
      const result = await human.detect(input);
      if (result.error) throw new Error(`human: ${result.error}`);
      // Faces with an emotion, as the side-by-side bench counts them; `box` is [x, y, width, height].
      return result.face.filter((f) => (f.emotion?.length ?? 0) > 0).map((f) => f.box[2]);
    },
    async () => human.reset(),
  );
}
