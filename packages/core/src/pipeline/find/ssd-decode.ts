/**
 * Decoding a single-shot (SSD) face detector's raw outputs, as MediaPipe does for BlazeFace: one anchor per
 * grid cell and slot, box and keypoints regressed relative to it in input pixels, a sigmoid score, and
 * weighted non-maximum suppression (overlapping detections are averaged, weighted by score, rather than
 * dropped). Pure functions on typed arrays; coordinates are fractions of the model input (0–1).
 */
import type { DetectorSpec } from '../../assets/manifest.js';
import { iou } from '../box.js';

/** One decoded detection, in fractions of the model input. */
export interface SsdDetection {
  score: number;
  box: { x: number; y: number; width: number; height: number };
  /** `[x, y]` per keypoint. */
  keypoints: [number, number][];
}

/** Logits are clipped to ±this before the sigmoid (MediaPipe's `score_clipping_thresh`). */
const SCORE_CLIP = 100;

/**
 * Anchor centres `[x0, y0, x1, y1, …]`, in output order: per stride, row by row, cell by cell, then the
 * anchors of the cell (MediaPipe's SSD anchors with a fixed anchor size of 1).
 */
export function ssdAnchors(spec: DetectorSpec): Float32Array {
  const { width, height } = spec.input;
  const count = spec.anchors.reduce((n, a) => n + Math.ceil(height / a.stride) * Math.ceil(width / a.stride) * a.perCell, 0);
  const out = new Float32Array(2 * count);
  let i = 0;
  for (const { stride, perCell } of spec.anchors) {
    const rows = Math.ceil(height / stride);
    const cols = Math.ceil(width / stride);
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < cols; x++) {
        for (let k = 0; k < perCell; k++) {
          out[i++] = (x + 0.5) / cols;
          out[i++] = (y + 0.5) / rows;
        }
      }
    }
  }
  return out;
}

/**
 * Detections scoring at least `minScore`, before suppression.
 *
 * @param boxes - `[anchors, 4 + 2 × keypoints]` regression values (x, y, w, h, then keypoint x, y)
 * @param scores - `[anchors]` logits
 * @param anchors - from {@link ssdAnchors}
 */
export function decodeSsd(boxes: Float32Array, scores: Float32Array, anchors: Float32Array, spec: DetectorSpec, minScore: number): SsdDetection[] {
  const count = anchors.length / 2;
  const stride = 4 + 2 * spec.keypoints;
  if (scores.length !== count || boxes.length !== count * stride) {
    throw new Error(`ssd-decode: expected ${count} anchors × ${stride} values, got ${boxes.length} values and ${scores.length} scores`);
  }
  const { width, height } = spec.input;
  // sigmoid(logit) ≥ minScore ⇔ logit ≥ logit(minScore): most anchors are rejected without an exp().
  const minLogit = minScore <= 0 ? -Infinity : minScore >= 1 ? Infinity : Math.log(minScore / (1 - minScore));
  const out: SsdDetection[] = [];
  for (let a = 0; a < count; a++) {
    const logit = Math.max(-SCORE_CLIP, Math.min(SCORE_CLIP, scores[a]!));
    if (logit < minLogit) continue;
    const ax = anchors[2 * a]!;
    const ay = anchors[2 * a + 1]!;
    const o = a * stride;
    const cx = boxes[o]! / width + ax;
    const cy = boxes[o + 1]! / height + ay;
    const w = boxes[o + 2]! / width;
    const h = boxes[o + 3]! / height;
    const keypoints: [number, number][] = [];
    for (let k = 0; k < spec.keypoints; k++) keypoints.push([boxes[o + 4 + 2 * k]! / width + ax, boxes[o + 5 + 2 * k]! / height + ay]);
    out.push({ score: 1 / (1 + Math.exp(-logit)), box: { x: cx - w / 2, y: cy - h / 2, width: w, height: h }, keypoints });
  }
  return out;
}

/**
 * Weighted non-maximum suppression: from the best remaining detection, every detection overlapping it by more
 * than `threshold` (IoU) is merged into it — box and keypoints averaged, weighted by score; the score stays the
 * best one's. Returns the merged detections, best first.
 */
export function weightedNms(detections: readonly SsdDetection[], threshold: number): SsdDetection[] {
  let remaining = [...detections].sort((a, b) => b.score - a.score);
  const out: SsdDetection[] = [];
  while (remaining.length > 0) {
    const best = remaining[0]!;
    const cluster: SsdDetection[] = [];
    const rest: SsdDetection[] = [];
    for (const d of remaining) (d === best || iou(best.box, d.box) > threshold ? cluster : rest).push(d);
    out.push(cluster.length === 1 ? best : merge(best.score, cluster));
    remaining = rest;
  }
  return out;
}

function merge(score: number, cluster: readonly SsdDetection[]): SsdDetection {
  let total = 0;
  let x0 = 0;
  let y0 = 0;
  let x1 = 0;
  let y1 = 0;
  const keypoints = cluster[0]!.keypoints.map((): [number, number] => [0, 0]);
  for (const d of cluster) {
    total += d.score;
    x0 += d.score * d.box.x;
    y0 += d.score * d.box.y;
    x1 += d.score * (d.box.x + d.box.width);
    y1 += d.score * (d.box.y + d.box.height);
    d.keypoints.forEach(([x, y], k) => {
      keypoints[k]![0] += d.score * x;
      keypoints[k]![1] += d.score * y;
    });
  }
  return {
    score,
    box: { x: x0 / total, y: y0 / total, width: (x1 - x0) / total, height: (y1 - y0) / total },
    keypoints: keypoints.map(([x, y]) => [x / total, y / total]),
  };
}
