/**
 * The live chart's memory: each face's points over the last {@link HISTORY_MS}. Memory stays bounded however long
 * the camera runs: points older than the window are dropped, and so is a face not seen for as long.
 */
import type { WiaFace } from '@emolens/core';
import { toPoint, type EmotionPoint } from './series.ts';

/** How far back the live chart looks, and how long a face that left stays on screen. */
export const HISTORY_MS = 30_000;

/** One face's recent past. */
export interface FaceTrack {
  id: number;
  points: EmotionPoint[];
  /** Its latest values (smoothed by the SDK). */
  latest: WiaFace;
  /** When it was last in a result. */
  lastSeen: number;
}

export class FaceHistory {
  private readonly tracks = new Map<number, FaceTrack>();

  /** Adds one result's `faces` at session time `t` and forgets what fell out of the window. */
  add(t: number, faces: readonly WiaFace[]): void {
    for (const face of faces) {
      const track = this.tracks.get(face.face_id);
      if (track) {
        track.points.push(toPoint(t, face));
        track.latest = face;
        track.lastSeen = t;
      } else {
        this.tracks.set(face.face_id, { id: face.face_id, points: [toPoint(t, face)], latest: face, lastSeen: t });
      }
    }
    const oldest = t - HISTORY_MS;
    for (const [id, track] of this.tracks) {
      if (track.lastSeen < oldest) {
        this.tracks.delete(id);
        continue;
      }
      // Points arrive in time order: the stale ones are at the front.
      let stale = 0;
      while (stale < track.points.length && track.points[stale]!.t < oldest) stale++;
      if (stale > 0) track.points.splice(0, stale);
    }
  }

  /** The faces still remembered, by id. */
  faces(): FaceTrack[] {
    return [...this.tracks.values()].sort((a, b) => a.id - b.id);
  }

  /** How many points are held in all (for the test of bounded memory). */
  size(): number {
    let n = 0;
    for (const track of this.tracks.values()) n += track.points.length;
    return n;
  }

  clear(): void {
    this.tracks.clear();
  }
}
