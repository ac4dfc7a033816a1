/**
 * Exports, live or from a video: the WIA video result as JSON (the shape `analyzeVideo` returns, so one reader
 * handles both) and a flat CSV with one row per face per result.
 */
import { summarizeTimeline, WIA_EMOTIONS, type WiaVideoFrame, type WiaVideoResult } from '@emolens/core';

/**
 * A live session as a WIA video result: each result a frame, `timestamp_ms` since the session started. Every
 * result is analysed (no sampling), so `frame_count` and `analyzed_frames` are both the timeline's length.
 */
export function sessionResult(timeline: WiaVideoFrame[], session: { requestId: string; durationMs: number; processingMs: number }): WiaVideoResult {
  return {
    request_id: session.requestId,
    // A live session is no one request: its processing time is the sum of its results' own.
    processing_time_ms: Math.round(session.processingMs * 100) / 100,
    duration_ms: Math.max(session.durationMs, timeline.at(-1)?.timestamp_ms ?? 0),
    frame_count: timeline.length,
    analyzed_frames: timeline.length,
    timeline,
    summary: summarizeTimeline(timeline),
  };
}

/** The CSV columns: time, face, the seven probabilities in WIA order, valence, arousal, primary label. */
export const CSV_HEADER = ['timestamp_ms', 'face_id', ...WIA_EMOTIONS, 'valence', 'arousal', 'primary'] as const;

/** `result`'s timeline as CSV: one row per face per frame (a frame with no face has no row). */
export function toCsv(result: Pick<WiaVideoResult, 'timeline'>): string {
  const lines = [CSV_HEADER.join(',')];
  for (const frame of result.timeline) {
    for (const face of frame.faces) {
      const probs = new Map(face.emotions.all.map((s) => [s.label, s.confidence]));
      lines.push(
        [
          frame.timestamp_ms,
          face.face_id,
          ...WIA_EMOTIONS.map((label) => probs.get(label) ?? 0),
          face.dimensions?.valence ?? '',
          face.dimensions?.arousal ?? '',
          face.emotions.primary.label,
        ].join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Saves `text` as a file named `filename` (the browser's download). */
export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  // The download has its own reference by the time the click's task is over.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** `2026-11-27T18-20-05` (local time): file names that sort by date and contain no colon. */
export function fileStamp(date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}-${p(date.getMinutes())}-${p(date.getSeconds())}`;
}
