/**
 * Stable face ids within a stream. Each face found is a track; on each frame every track's box is predicted
 * where its motion takes it by the frame's timestamp (constant velocity), and the frame's faces are matched to the
 * predicted boxes by overlap (IoU), with the optimal assignment (`assignment.ts`).
 *
 * The prediction is what keeps two faces that cross from swapping ids: where their boxes meet, each face's new
 * box overlaps where its own track is heading more than where the other's is; and a face hidden behind the other
 * while they cross is looked for on its own path when it comes out. Matching on overlap, not on distance, also
 * keeps a near (large) face from taking the id of a far (small) one it passes in front of.
 *
 * A track no face matches is kept, unreported, for `trackGraceMs` after its face was last seen: it is dropped on
 * the first frame that does not find its face once that time is past. (A face found on every frame is never
 * dropped, however far apart the frames; with a grace of 0, a face missing from one frame is dropped there.) A
 * face no track matches is a new track with the next id; ids are never reused within a stream.
 */
import { iou, type Box } from '../box.js';
import { maxWeightAssignment } from './assignment.js';

/**
 * The least overlap between a track's predicted box and a face for them to be one face: 0.2. A face that moves by
 * 60% of its width between two frames without a prediction (a track's second frame, say a quick turn at 15 fps)
 * still overlaps its last box this much; two faces side by side do not overlap at all, and a far face inside a
 * near one's box overlaps it less (a box a third as wide covers a ninth of it).
 */
export const MIN_TRACK_IOU = 0.2;

/**
 * How much of a new velocity measurement goes into a track's velocity. Boxes jitter by a few pixels from frame to
 * frame, which over 33 ms is a speed of a hundred pixels per second; averaging with the past roughly halves that
 * noise and still follows a change of direction within a few frames.
 */
const VELOCITY_GAIN = 0.5;

/**
 * Among pairs that overlap equally (two tracks predicted onto the same spot, as when two faces meet), the track
 * seen more recently wins: its prediction is the surer. Per ms unseen, far below any real difference of overlap.
 */
const STALE_PENALTY_PER_MS = 1e-9;

interface Track {
  readonly id: number;
  /** The last box seen. */
  box: Box;
  /** When it was seen (ms). */
  seenMs: number;
  /** Velocity of the box's centre, px/ms (0 until a second sighting). */
  vx: number;
  vy: number;
  moving: boolean;
}

/** What one frame's update of the tracker gives. */
export interface TrackUpdate {
  /** The id of each face given, in their order. */
  ids: number[];
  /** The ids of the tracks dropped on this frame (not found, and unseen for longer than the grace): their state can go. */
  dropped: number[];
}

/** The tracks of one stream. */
export class FaceTracker {
  private tracks: Track[] = [];
  private nextId = 0;

  /** @param graceMs how long a track unseen keeps its id (`trackGraceMs`). */
  constructor(private readonly graceMs: number) {}

  /**
   * Matches a frame's faces (`boxes`, at `timestampMs`, which never goes back) to the tracks, and returns each
   * face's id. A frame with no face ages the tracks all the same.
   */
  update(boxes: readonly Box[], timestampMs: number): TrackUpdate {
    const weights = this.tracks.map((track) => {
      const predicted = predict(track, timestampMs);
      const stale = STALE_PENALTY_PER_MS * (timestampMs - track.seenMs);
      return boxes.map((box) => {
        const overlap = iou(predicted, box);
        return overlap >= MIN_TRACK_IOU ? overlap - stale : 0;
      });
    });
    const faceOf = maxWeightAssignment(weights, boxes.length);

    const ids = new Array<number>(boxes.length).fill(-1);
    const dropped: number[] = [];
    faceOf.forEach((face, t) => {
      const track = this.tracks[t]!;
      if (face >= 0) {
        observe(track, boxes[face]!, timestampMs);
        ids[face] = track.id;
      } else if (timestampMs - track.seenMs > this.graceMs) {
        dropped.push(track.id);
      }
    });
    if (dropped.length > 0) this.tracks = this.tracks.filter((track) => !dropped.includes(track.id));
    boxes.forEach((box, face) => {
      if (ids[face] !== -1) return;
      const track: Track = { id: this.nextId++, box: { ...box }, seenMs: timestampMs, vx: 0, vy: 0, moving: false };
      this.tracks.push(track);
      ids[face] = track.id;
    });
    return { ids, dropped };
  }

  /** Tracks held (reported or within their grace). */
  get size(): number {
    return this.tracks.length;
  }
}

/** Where `track`'s box is at `timestampMs` if it kept its velocity (and its size). */
function predict(track: Track, timestampMs: number): Box {
  const dt = timestampMs - track.seenMs;
  return { ...track.box, x: track.box.x + track.vx * dt, y: track.box.y + track.vy * dt };
}

/** Updates `track` with its face's `box` seen at `timestampMs`. */
function observe(track: Track, box: Box, timestampMs: number): void {
  const dt = timestampMs - track.seenMs;
  if (dt > 0) {
    const vx = (centre(box.x, box.width) - centre(track.box.x, track.box.width)) / dt;
    const vy = (centre(box.y, box.height) - centre(track.box.y, track.box.height)) / dt;
    track.vx = track.moving ? track.vx + VELOCITY_GAIN * (vx - track.vx) : vx;
    track.vy = track.moving ? track.vy + VELOCITY_GAIN * (vy - track.vy) : vy;
    track.moving = true;
  }
  track.box = { ...box };
  track.seenMs = timestampMs;
}

function centre(start: number, size: number): number {
  return start + size / 2;
}
