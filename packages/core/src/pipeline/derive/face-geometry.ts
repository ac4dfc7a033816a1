/**
 * The face mesh in the head's own frame: the 468 points re-expressed in axes fixed to the face and in units of
 * the eye distance, so that measures taken on them do not change with head pose (yaw, pitch, roll) or face size.
 *
 * Axes (built from the mesh alone, so no transformation matrix is needed):
 * - origin: midway between the two eye centres (each the mean of its eye corners);
 * - x: from the subject's right eye centre to the left (the image's left to right on a frontal face);
 * - y: from the nasion toward the chin, made perpendicular to x (down the face);
 * - z: x × y (into the face, away from the camera);
 * - unit: the 3-D distance between the eye centres.
 * The mesh's z is in the scale of its x (MediaPipe's convention), so the rotation is a true 3-D one.
 */

/** Mesh indices of the points the face's measures use (MediaPipe face mesh numbering, the subject's own sides). */
export const MESH = {
  rightEyeOuter: 33, rightEyeInner: 133, rightEyeTop: 159, rightEyeBottom: 145, rightEyeTopOuter: 160, rightEyeTopInner: 158, rightEyeBottomOuter: 144, rightEyeBottomInner: 153,
  leftEyeOuter: 263, leftEyeInner: 362, leftEyeTop: 386, leftEyeBottom: 374, leftEyeTopOuter: 387, leftEyeTopInner: 385, leftEyeBottomOuter: 373, leftEyeBottomInner: 380,
  rightBrowInner: 107, rightBrowMid: 105, rightBrowOuter: 70, leftBrowInner: 336, leftBrowMid: 334, leftBrowOuter: 300,
  nasion: 168, noseTip: 1, subnasale: 2, rightAla: 48, leftAla: 278,
  rightMouthCorner: 61, leftMouthCorner: 291, upperLipTop: 0, upperLipInner: 13, lowerLipInner: 14, lowerLipBottom: 17, chin: 152,
} as const;

/** A point in the head frame, in eye distances. */
export interface HeadPoint {
  x: number;
  y: number;
  z: number;
}

/** The mesh in the head frame. */
export interface FaceGeometry {
  /** Mesh point `index` in the head frame. */
  point(index: number): HeadPoint;
  /** A point given in source pixels (like the mesh's) in the head frame. */
  fromSource(x: number, y: number, z: number): HeadPoint;
  /** Eye distance in source pixels (3-D). */
  readonly eyeDistance: number;
  /** The head frame's axes in the camera's (x right, y down, z away from the camera), unit vectors. */
  readonly axes: { x: Vec; y: Vec; z: Vec };
}

/** A 3-D vector. */
export type Vec = [number, number, number];
const sub = (a: Vec, b: Vec): Vec => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: Vec, b: Vec): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const scale = (a: Vec, k: number): Vec => [a[0] * k, a[1] * k, a[2] * k];
const cross = (a: Vec, b: Vec): Vec => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const norm = (a: Vec): number => Math.sqrt(dot(a, a));
const mid = (a: Vec, b: Vec): Vec => scale([a[0] + b[0], a[1] + b[1], a[2] + b[2]], 0.5);

/** The head frame of a mesh (468+ points, x/y/z interleaved); `undefined` when the mesh is degenerate. */
export function faceGeometry(mesh: Float32Array): FaceGeometry | undefined {
  const at = (i: number): Vec => [mesh[i * 3]!, mesh[i * 3 + 1]!, mesh[i * 3 + 2]!];
  const right = mid(at(MESH.rightEyeOuter), at(MESH.rightEyeInner));
  const left = mid(at(MESH.leftEyeOuter), at(MESH.leftEyeInner));
  const across = sub(left, right);
  const eyeDistance = norm(across);
  if (!(eyeDistance > 1e-6) || !Number.isFinite(eyeDistance)) return undefined;
  const ex = scale(across, 1 / eyeDistance);
  const down = sub(at(MESH.chin), at(MESH.nasion));
  const downPerp = sub(down, scale(ex, dot(down, ex)));
  const downLength = norm(downPerp);
  if (!(downLength > 1e-6)) return undefined;
  const ey = scale(downPerp, 1 / downLength);
  const ez = cross(ex, ey);
  const origin = mid(right, left);
  const unit = 1 / eyeDistance;
  return {
    eyeDistance,
    axes: { x: ex, y: ey, z: ez },
    point(index) {
      return this.fromSource(...at(index));
    },
    fromSource(x, y, z) {
      const d = sub([x, y, z], origin);
      return { x: dot(d, ex) * unit, y: dot(d, ey) * unit, z: dot(d, ez) * unit };
    },
  };
}

/** Distance between two head-frame points. */
export function distance(a: HeadPoint, b: HeadPoint): number {
  return Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z);
}
