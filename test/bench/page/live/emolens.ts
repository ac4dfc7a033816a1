/**
 * EmoLens live: `detector.stream(mediaStream, { onResult })`, the SDK's own video mode — it reads the stream's track
 * frame by frame (`MediaStreamTrackProcessor`), takes the newest frame whenever a flight has landed, and reports each
 * result with its capture → result latency. The detector is the bench's (`peers/emolens.ts`).
 */
import { createBenchDetector } from '../peers/emolens.ts';
import type { LiveRunner } from './harness.ts';

/** The signal switches the bench's query asks for: `landmarks=1` (returnLandmarks), `signals=returnActionUnits,…`. */
function signalOptions(query: URLSearchParams): Record<string, true> {
  const names = [...(query.get('landmarks') === '1' ? ['returnLandmarks'] : []), ...(query.get('signals')?.split(',').filter(Boolean) ?? [])];
  return Object.fromEntries(names.map((name) => [name, true]));
}

export async function createEmoLensLive(): Promise<LiveRunner> {
  const detector = await createBenchDetector();
  const signals = signalOptions(new URLSearchParams(location.search));
  const shown = Object.keys(signals).map((name) => `${name}: true, `).join('');
  return {
    info: {
      system: 'emolens',
      backend: detector.backend,
      threads: detector.threads,
      version: '@emolens/core (workspace)',
      call: `detector.stream(mediaStream, { ${shown}onResult })`,
    },
    async warm(image) {
      await detector.detect(image);
    },
    async start(stream, onResult, onError) {
      const query = new URLSearchParams(location.search);
      const reuse = query.get('detectionReuseMs');
      const live = detector.stream(stream, {
        ...(reuse === null ? {} : { detectionReuseMs: Number(reuse) }),
        ...signals,
        onResult: (r) => onResult({ at: performance.now(), latencyMs: r.latency_ms, faceWidths: r.result.faces.map((f) => f.bbox.width) }),
        onError,
      });
      return {
        skippedFrames: () => live.stats().skippedFrames,
        async stop() {
          const end = await live.stop();
          // A stream that died (a worker crash, a source that never played) makes the run's figures meaningless.
          if (end.reason === 'error') throw end.error ?? new Error('the stream ended in error');
          return { reason: end.reason, ...end.stats };
        },
      };
    },
    async dispose() {
      detector.dispose();
    },
  };
}
