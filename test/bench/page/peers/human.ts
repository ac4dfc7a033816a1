/**
 * `@vladmandic/human` 3.3.6 as a {@link Runner}, on the main thread as its documentation shows, with the
 * models it ships (served from `/models/human/`) and tfjs's wasm binaries from `/tfjs-wasm/`.
 *
 * Configured for the same job as EmoLens: every face (up to 5, EmoLens's default `maxFaces`), its emotion;
 * nothing else. Kept from the defaults: the face detector (BlazeFace) and the face mesh that Human uses to
 * refine the box and crop, the emotion model, `cacheModels` (IndexedDB). Turned off: body, hand, object,
 * segmentation, gestures, iris, description (age/gender/embedding), antispoof, liveness, attention, the
 * image filter, and the frame-to-frame result caching (`cacheSensitivity: 0`, `skipFrames`/`skipTime` 0) —
 * EmoLens processes every frame in full, and so must a per-frame benchmark on distinct frames.
 *
 * Its prebuilt ESM bundle is loaded as it ships (`/lib/human/human.esm.js`, as in Human's browser demos),
 * not re-bundled: re-minifying it breaks tfjs-wasm's thread workers, which are built from function source
 * (`ReferenceError: e is not defined` in every thread).
 */
import type { Config, Human as HumanClass } from '@vladmandic/human';
import type { PeerBackend } from '../api.ts';
import type { Runner } from '../harness.ts';
import { wasmThreads } from './tfjs.ts';

export function humanConfig(backend: PeerBackend): Partial<Config> {
  return {
    backend,
    modelBasePath: `${location.origin}/models/human/`,
    wasmPath: `${location.origin}/tfjs-wasm/`,
    debug: false,
    warmup: 'none',
    cacheSensitivity: 0,
    filter: { enabled: false },
    gesture: { enabled: false },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    segmentation: { enabled: false },
    face: {
      enabled: true,
      detector: { maxDetected: 5, skipFrames: 0, skipTime: 0, return: false },
      mesh: { enabled: true },
      iris: { enabled: false },
      emotion: { enabled: true, skipFrames: 0, skipTime: 0 },
      description: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
      attention: { enabled: false },
      gear: { enabled: false },
    },
  };
}

const HUMAN_URL = '/lib/human/human.esm.js';

/** Human from its bundle with `config`, its models loaded; throws unless it runs on `config.backend`. */
export async function loadHuman(config: Partial<Config>): Promise<HumanClass> {
  const { Human } = (await import(/* @vite-ignore */ HUMAN_URL)) as { Human: typeof HumanClass };
  const human = new Human(config);
  await human.load();
  const actual = (human.tf as { getBackend(): string }).getBackend();
  if (actual !== config.backend) throw new Error(`human runs on ${actual}, not ${config.backend}`);
  return human;
}

export async function createHuman(backend: PeerBackend): Promise<Runner> {
  const human = await loadHuman(humanConfig(backend));
  return {
    system: 'human',
    backend,
    threads: backend === 'wasm' ? wasmThreads(human.tf) : null,
    version: `@vladmandic/human ${human.version}`,
    async detect(frame) {
      const result = await human.detect(frame);
      if (result.error) throw new Error(`human: ${result.error}`);
      return result.face.filter((f) => (f.emotion?.length ?? 0) > 0).length;
    },
    async dispose() {
      human.reset();
    },
  };
}
