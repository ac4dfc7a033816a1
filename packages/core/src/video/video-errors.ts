/**
 * The errors of reading a video file, all with `details.field: 'video'`, a `details.kind` and a `reason`. They use
 * the image codes (`INVALID_IMAGE`, `INVALID_REQUEST`, `IMAGE_TOO_LARGE`): the WIA table has no video code, and a
 * REST adapter maps them as it maps a bad image.
 */
import { EmoLensError, type InputErrorKind } from '@emolens/schema';

/** The field every video error names. */
export const VIDEO_FIELD = 'video';

/**
 * What was wrong with a video, set as `details.kind`: the input kinds of `@emolens/schema` that apply to a video,
 * two of them its own (`not_a_video`: bytes no video demuxer reads, or a file with no video track;
 * `unsupported_codec`: a video track this browser cannot decode, `details.codec` naming it).
 */
export type VideoErrorKind = Extract<InputErrorKind, 'missing_image' | 'empty' | 'undecodable' | 'unsupported_type' | 'fetch_failed' | 'too_large' | 'not_a_video' | 'unsupported_codec'>;

const SUGGESTION = 'Pass an MP4 (H.264, AV1), WebM (VP8, VP9, AV1) or Matroska video as a File, Blob or URL.';

/** `INVALID_IMAGE` about the video's bytes (or its download). */
export function invalidVideo(
  kind: Exclude<VideoErrorKind, 'missing_image' | 'too_large'>,
  reason: string,
  extra: Record<string, unknown> = {},
  cause?: unknown,
): EmoLensError {
  return new EmoLensError('INVALID_IMAGE', 'The provided video could not be processed', { reason, suggestion: SUGGESTION, field: VIDEO_FIELD, kind, ...extra }, { cause });
}

/** `INVALID_REQUEST`: no video, or a value that is not a video input. */
export function invalidVideoInput(kind: 'missing_image' | 'unsupported_type', reason: string, suggestion = SUGGESTION): EmoLensError {
  return new EmoLensError('INVALID_REQUEST', 'The request has no usable video', { reason, suggestion, field: VIDEO_FIELD, kind });
}

/** `INVALID_REQUEST` for an option of `openVideoFrames` out of its range, naming the option. */
export function invalidVideoOption(field: string, reason: string): EmoLensError {
  return new EmoLensError('INVALID_REQUEST', `The video option ${field} is invalid`, { reason, field });
}

/** `IMAGE_TOO_LARGE` for a video download that passed the byte cap (it is stopped there). */
export function videoTooLarge(bytes: number, maxBytes: number): EmoLensError {
  return new EmoLensError('IMAGE_TOO_LARGE', `The video download passed the limit of ${maxBytes} bytes`, {
    reason: `${bytes} bytes > maxBytes ${maxBytes}`,
    suggestion: 'Serve a smaller video, pass the File itself, or raise maxBytes.',
    field: VIDEO_FIELD,
    kind: 'too_large',
    bytes,
    maxBytes,
  });
}

/** `IMAGE_TOO_LARGE` for a video whose frames have more pixels than the cap (refused before any is decoded). */
export function framesTooLarge(width: number, height: number, maxPixels: number): EmoLensError {
  return new EmoLensError('IMAGE_TOO_LARGE', `The video's frames are ${width}×${height} pixels, more than the limit of ${maxPixels}`, {
    reason: `${width * height} pixels > maxPixels ${maxPixels}`,
    suggestion: 'Downscale the video, or raise the detector option maxPixels.',
    field: VIDEO_FIELD,
    kind: 'too_large',
    width,
    height,
    maxPixels,
  });
}
