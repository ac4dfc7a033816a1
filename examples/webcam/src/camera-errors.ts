/**
 * What to tell the user when the camera does not start: each `getUserMedia` failure in plain words, with what to
 * do next. (The page adds a link to the video-file mode, which needs no camera.)
 */

/** A camera failure as the page shows it. */
export interface CameraProblem {
  /** The error's name (`NotAllowedError`, …), for the page's `data-camera-error`. */
  name: string;
  title: string;
  advice: string;
}

/** The message for `error`, thrown by `openCamera` (or `insecure` when the page cannot ask for a camera at all). */
export function describeCameraError(error: unknown, context: { chosenDevice: boolean }): CameraProblem {
  const name = error instanceof DOMException || error instanceof Error ? error.name : 'Error';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
      return {
        name: 'NotAllowedError',
        title: 'Camera access was refused.',
        advice: 'To use your camera, allow it for this site (the camera icon in the address bar, or the site settings of the browser), then press Start camera again.',
      };
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return { name: 'NotFoundError', title: 'No camera was found.', advice: 'Connect a camera and press Start camera again.' };
    case 'OverconstrainedError':
      return context.chosenDevice
        ? { name, title: 'That camera is no longer available.', advice: 'Pick another camera in the list, or Default camera.' }
        : { name, title: 'The camera cannot give a usable picture.', advice: 'Try another camera.' };
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return {
        name,
        title: 'The camera could not start.',
        advice: 'Another app (a video call?) may be using it: close that app, then press Start camera again.',
      };
    case 'insecure':
      return {
        name,
        title: 'This page cannot use a camera.',
        advice: 'Browsers only give camera access to pages served over https:// or from localhost.',
      };
    default:
      return { name, title: 'The camera could not start.', advice: `${error instanceof Error ? error.message : String(error)}.` };
  }
}
