/**
 * Raw, pose- and size-free measures of a face, taken on the mesh in the head frame (`face-geometry.ts`), in eye
 * distances (or ratios). The action units, eye openness and the learning states read these; what each measure
 * means for an action unit is documented with the action unit (`action-units.ts`).
 */
import { distance, MESH, type FaceGeometry } from './face-geometry.js';

/** Aperture of one eye: the mean lid gap of three vertical pairs over the eye's width (≈0.3 open, ≈0.05 closed). */
export function eyeAperture(g: FaceGeometry, side: 'left' | 'right'): number {
  const m = side === 'right'
    ? [MESH.rightEyeTop, MESH.rightEyeBottom, MESH.rightEyeTopOuter, MESH.rightEyeBottomOuter, MESH.rightEyeTopInner, MESH.rightEyeBottomInner, MESH.rightEyeOuter, MESH.rightEyeInner]
    : [MESH.leftEyeTop, MESH.leftEyeBottom, MESH.leftEyeTopOuter, MESH.leftEyeBottomOuter, MESH.leftEyeTopInner, MESH.leftEyeBottomInner, MESH.leftEyeOuter, MESH.leftEyeInner];
  const p = m.map((i) => g.point(i));
  const gap = (distance(p[0]!, p[1]!) + distance(p[2]!, p[3]!) + distance(p[4]!, p[5]!)) / 3;
  return gap / Math.max(distance(p[6]!, p[7]!), 1e-6);
}

/** Mean of a measure over the two sides. */
function bothSides(measure: (side: 'left' | 'right') => number): number {
  return (measure('left') + measure('right')) / 2;
}

/** Height of the line between an eye's corners at the eye's middle (head-frame y, down positive). */
function cornerLineY(g: FaceGeometry, side: 'left' | 'right'): number {
  return side === 'right' ? (g.point(MESH.rightEyeOuter).y + g.point(MESH.rightEyeInner).y) / 2 : (g.point(MESH.leftEyeOuter).y + g.point(MESH.leftEyeInner).y) / 2;
}

/** Every raw measure of a face. */
export interface FaceMeasures {
  /** Eye aperture, subject's right and left eye. */
  apertureRight: number;
  apertureLeft: number;
  /** Inner brow height above the inner eye corner. */
  innerBrow: number;
  /** Outer brow height above the outer eye corner. */
  outerBrow: number;
  /** Gap between the two inner brow ends. */
  browGap: number;
  /** Depth of the inner brow ends behind the nasion (head-frame z). */
  browDepth: number;
  /** Upper lid height above the eye's corner line. */
  upperLid: number;
  /** Lower lid depth below the eye's corner line. */
  lowerLid: number;
  /** Ala (nose wing) to inner eye corner distance. */
  alaToEye: number;
  /** Subnasale to upper lip top distance. */
  noseToLip: number;
  /** Mouth corners' height above the lips' centre (positive: corners up). */
  cornerLift: number;
  /** Mouth corners' depth behind the lips' centre (positive: corners pulled back). */
  cornerDepth: number;
  /** Mouth width, corner to corner. */
  mouthWidth: number;
  /** Lower lip bottom to chin distance. */
  lipToChin: number;
  /** Red lip thickness, upper plus lower. */
  lipThickness: number;
  /** Gap between the inner lip edges. */
  lipGap: number;
  /** Subnasale to chin distance. */
  noseToChin: number;
}

/** The raw measures of a face in its head frame. */
export function faceMeasures(g: FaceGeometry): FaceMeasures {
  const p = (i: number) => g.point(i);
  const lipCentreY = (p(MESH.upperLipInner).y + p(MESH.lowerLipInner).y) / 2;
  const lipCentreZ = (p(MESH.upperLipInner).z + p(MESH.lowerLipInner).z) / 2;
  const corners = [p(MESH.rightMouthCorner), p(MESH.leftMouthCorner)] as const;
  return {
    apertureRight: eyeAperture(g, 'right'),
    apertureLeft: eyeAperture(g, 'left'),
    innerBrow: bothSides((s) => (s === 'right' ? p(MESH.rightEyeInner).y - p(MESH.rightBrowInner).y : p(MESH.leftEyeInner).y - p(MESH.leftBrowInner).y)),
    outerBrow: bothSides((s) =>
      s === 'right'
        ? p(MESH.rightEyeOuter).y - (p(MESH.rightBrowOuter).y + p(MESH.rightBrowMid).y) / 2
        : p(MESH.leftEyeOuter).y - (p(MESH.leftBrowOuter).y + p(MESH.leftBrowMid).y) / 2,
    ),
    browGap: distance(p(MESH.rightBrowInner), p(MESH.leftBrowInner)),
    browDepth: (p(MESH.rightBrowInner).z + p(MESH.leftBrowInner).z) / 2 - p(MESH.nasion).z,
    upperLid: bothSides((s) => cornerLineY(g, s) - p(s === 'right' ? MESH.rightEyeTop : MESH.leftEyeTop).y),
    lowerLid: bothSides((s) => p(s === 'right' ? MESH.rightEyeBottom : MESH.leftEyeBottom).y - cornerLineY(g, s)),
    alaToEye: bothSides((s) => (s === 'right' ? distance(p(MESH.rightAla), p(MESH.rightEyeInner)) : distance(p(MESH.leftAla), p(MESH.leftEyeInner)))),
    noseToLip: distance(p(MESH.subnasale), p(MESH.upperLipTop)),
    cornerLift: lipCentreY - (corners[0].y + corners[1].y) / 2,
    cornerDepth: (corners[0].z + corners[1].z) / 2 - lipCentreZ,
    mouthWidth: distance(corners[0], corners[1]),
    lipToChin: distance(p(MESH.lowerLipBottom), p(MESH.chin)),
    lipThickness: distance(p(MESH.upperLipTop), p(MESH.upperLipInner)) + distance(p(MESH.lowerLipInner), p(MESH.lowerLipBottom)),
    lipGap: distance(p(MESH.upperLipInner), p(MESH.lowerLipInner)),
    noseToChin: distance(p(MESH.subnasale), p(MESH.chin)),
  };
}
