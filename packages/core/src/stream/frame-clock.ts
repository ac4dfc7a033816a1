/**
 * Calls back once per frame the video presents: `requestVideoFrameCallback` where the browser has it (exactly one
 * call per new frame, with its count), else an animation-frame loop that notices a changed `currentTime`. A paused
 * element presents no new frame until it plays or seeks, so the frame it shows is called back at once.
 */

/** One presented frame. */
export interface FrameTick {
  /** Frames presented since watching began (monotonic). */
  presentedFrames: number;
  /** The frame's media time in ms (a file's own timestamp; for a camera, the element's clock). */
  mediaTimeMs: number;
}

/** Watches `video`'s frames until the returned function is called. */
export function watchFrames(video: HTMLVideoElement, onFrame: (tick: FrameTick) => void): () => void {
  let stopped = false;
  let first: number | undefined;
  // The frame a paused element shows counts as the first one presented.
  const shown = video.paused ? 1 : 0;
  if (shown) queueMicrotask(() => stopped || onFrame({ presentedFrames: 1, mediaTimeMs: video.currentTime * 1000 }));
  // Not every browser has it (older Firefox): typed as optional so the fallback below stays reachable.
  if (typeof (video as Partial<Pick<HTMLVideoElement, 'requestVideoFrameCallback'>>).requestVideoFrameCallback === 'function') {
    let handle = 0;
    const next = () => {
      handle = video.requestVideoFrameCallback((_now, metadata) => {
        if (stopped) return;
        first ??= metadata.presentedFrames - 1 - shown;
        onFrame({ presentedFrames: metadata.presentedFrames - first, mediaTimeMs: metadata.mediaTime * 1000 });
        next();
      });
    };
    next();
    return () => {
      stopped = true;
      video.cancelVideoFrameCallback(handle);
    };
  }
  let handle = 0;
  let count = shown;
  let last = shown ? video.currentTime : -1;
  const poll = () => {
    if (stopped) return;
    if (video.currentTime !== last) {
      last = video.currentTime;
      onFrame({ presentedFrames: ++count, mediaTimeMs: last * 1000 });
    }
    handle = requestAnimationFrame(poll);
  };
  handle = requestAnimationFrame(poll);
  return () => {
    stopped = true;
    cancelAnimationFrame(handle);
  };
}
