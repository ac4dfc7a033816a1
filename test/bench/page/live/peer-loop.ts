/**
 * A peer's video mode as its users write it: a `<video>` playing the stream, and a loop that calls the library on
 * the video, awaits the result, then goes on with the next frame. The loop follows the same rule as the SDK's
 * stream (`newest frame wins`): after a result it takes the frame on screen at once if the video has presented one
 * it has not analysed yet, else it waits for the next — so a peer never analyses the same frame twice, and its
 * skipped frames count what the SDK's count. Waiting for a frame also yields to the browser, which must paint the
 * source canvas (`canvas-source.ts`) for the video to get a new frame at all.
 */
import type { LiveSystemInfo } from '../api.ts';
import type { LiveRunner, LiveSession } from './harness.ts';
import { playStream, watchPresented } from './video.ts';

/** One call of the peer on a video or canvas: the widths of the faces found (each with its emotion). */
export type PeerCall = (input: HTMLVideoElement | HTMLCanvasElement) => Promise<number[]>;

/** A {@link LiveRunner} that runs `call` in the loop described above. */
export function peerLiveRunner(info: LiveSystemInfo, call: PeerCall, dispose: () => Promise<void>): LiveRunner {
  return {
    info,
    async warm(image) {
      await call(image);
    },
    async start(stream, onResult, onError): Promise<LiveSession> {
      const video = await playStream(stream);
      const presented = watchPresented(video);
      let taken = 0;
      let lastTaken = 0;
      let stopped = false;
      const loop = (async () => {
        while (!stopped) {
          if (presented.count() === lastTaken) {
            await presented.next();
            continue;
          }
          lastTaken = presented.count();
          taken++;
          // The call starts when the frame is grabbed: the library reads the video's current frame inside it.
          const started = performance.now();
          try {
            const faceWidths = await call(video);
            const at = performance.now();
            onResult({ at, latencyMs: at - started, faceWidths });
          } catch (error) {
            onError(error);
          }
        }
      })();
      return {
        skippedFrames: () => Math.max(0, presented.count() - taken),
        async stop() {
          stopped = true;
          presented.stop();
          await loop;
          video.pause();
          video.srcObject = null;
          return undefined;
        },
      };
    },
    dispose,
  };
}
