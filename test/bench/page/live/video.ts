/**
 * A `<video>` playing a live stream, as a page shows a camera, and a count of the frames it presents
 * (`requestVideoFrameCallback`, as the SDK's own frame clock counts them), so a peer's loop can take only frames
 * it has not analysed yet and its skipped frames mean what the SDK's do.
 */

/** How long the video may take to show its first frame. */
const FIRST_FRAME_TIMEOUT_MS = 10_000;

/** A muted, playing video of `stream`, once it has a frame (not in the document, like the SDK's own). */
export async function playStream(stream: MediaStream): Promise<HTMLVideoElement> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  await video.play();
  const started = performance.now();
  while (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0) {
    if (performance.now() - started > FIRST_FRAME_TIMEOUT_MS) throw new Error(`the video showed no frame within ${FIRST_FRAME_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return video;
}

export interface PresentedFrames {
  /** Frames presented since watching began. */
  count(): number;
  /** Resolves at the next presented frame (or at `stop()`). */
  next(): Promise<void>;
  stop(): void;
}

/** Counts the frames `video` presents until stopped. */
export function watchPresented(video: HTMLVideoElement): PresentedFrames {
  let first: number | undefined;
  let count = 0;
  let stopped = false;
  let waiters: (() => void)[] = [];
  const wake = () => {
    const woken = waiters;
    waiters = [];
    for (const resolve of woken) resolve();
  };
  let handle = 0;
  const watch = () => {
    handle = video.requestVideoFrameCallback((_now, metadata) => {
      if (stopped) return;
      // presentedFrames counts every frame handed to the compositor, including those no callback saw.
      first ??= metadata.presentedFrames - 1;
      count = metadata.presentedFrames - first;
      wake();
      watch();
    });
  };
  watch();
  return {
    count: () => count,
    next: () => (stopped ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    stop() {
      stopped = true;
      video.cancelVideoFrameCallback(handle);
      wake();
    },
  };
}
