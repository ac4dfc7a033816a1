/**
 * FACS action units from the face mesh — every definition in this one file.
 *
 * Each action unit (its FACS name, and above it the landmarks and the measure in words) is one raw measure of the
 * face in its head frame (`face-measures.ts`: pose- and size-free, in
 * eye distances), signed so that it grows as the muscle acts, and mapped to an intensity in [0, 1]:
 *
 *     intensity = clamp((measure − neutral) / span, 0, 1)
 *
 * `neutral` is the measure's median on FER2013 Training faces whose FER+ majority is neutral; `span` is the
 * distance from there to the measure's 90th percentile on the Training faces of the expression the action unit
 * belongs to (named with each unit). Both were fitted by `test/eval/signals/fit-action-units.ts`. With a neutral
 * baseline of the face's own (`calibration.ts`), the face's baseline replaces `neutral`.
 *
 * Geometry sees what moves the mesh's points; it cannot see wrinkles, furrows or skin texture, so units that FACS
 * codes chiefly by appearance (AU6's crow's feet, AU9's wrinkles, AU14's dimples) are measured by the movement
 * they cause, and are weaker. How well each unit separates what it should, on real photos, is in
 * `docs/signals.md` ("Action units"); units whose separation is weak are marked `weak` here and there (AU9, AU15, AU17, AU20,
 * AU23: the face mesh, a regression toward average faces, moves the lips and nose wings little).
 */
import type { ActionUnit, ActionUnitCode } from '@emolens/schema';
import { round } from '../../round.js';
import type { FaceMeasures } from './face-measures.js';

/** One action unit's definition. */
export interface ActionUnitDefinition {
  code: ActionUnitCode;
  /** Its FACS name. */
  name: string;
  /** The raw measure, growing as the unit acts. */
  raw(m: FaceMeasures): number;
  /** The measure on a neutral face. */
  neutral: number;
  /** The measure's rise from neutral to full intensity. */
  span: number;
  /** The expression whose faces set `span` (read by the fit, `test/eval/signals/fit-action-units.ts`). */
  fittedOn: string;
  /**
   * Every contrast the unit should show scored below 0.6 ROC AUC on FER2013 PrivateTest (docs/signals.md ("Action units")): the
   * unit is reported, but is not to be trusted alone.
   */
  weak?: true;
}

/** Every action unit, in AU-number order (the order of a WIA `action_units` list). */
export const ACTION_UNIT_DEFINITIONS: readonly ActionUnitDefinition[] = [
  /** AU1 Inner brow raiser: inner brow ends (107, 336) above the inner eye corners (133, 362), head-frame height. */
  { code: 'AU1', name: 'Inner brow raiser', raw: (m) => m.innerBrow, neutral: 0.4021, span: 0.0959, fittedOn: 'surprise' },
  /** AU2 Outer brow raiser: outer brow (mean of 70/105 and 300/334) above the outer eye corners (33, 263). */
  { code: 'AU2', name: 'Outer brow raiser', raw: (m) => m.outerBrow, neutral: 0.3158, span: 0.081, fittedOn: 'surprise' },
  /**
   * AU4 Brow lowerer: inner brow ends (107, 336) lowered and drawn back: their depth behind the nasion (168) minus
   * half their height above the inner eye corners (133, 362); the depth term is how the mesh shows the brows knitting.
   */
  { code: 'AU4', name: 'Brow lowerer', raw: (m) => m.browDepth - 0.5 * m.innerBrow, neutral: -0.1714, span: 0.0443, fittedOn: 'anger' },
  /**
   * AU5 Upper lid raiser: eyes opened wider: mean aperture of both eyes (three lid gaps over the eye width; the mesh
   * moves the upper lid with the whole aperture).
   */
  { code: 'AU5', name: 'Upper lid raiser', raw: (m) => (m.apertureLeft + m.apertureRight) / 2, neutral: 0.3089, span: 0.0943, fittedOn: 'surprise' },
  /** AU6 Cheek raiser: lower lid middle (145, 374) pushed up toward the corner line: −(its depth below the line). */
  { code: 'AU6', name: 'Cheek raiser', raw: (m) => -m.lowerLid, neutral: -0.041, span: 0.0245, fittedOn: 'happiness' },
  /** AU7 Lid tightener: eye aperture narrowed: −(mean lid gap of three pairs / eye width), both eyes. */
  { code: 'AU7', name: 'Lid tightener', raw: (m) => -(m.apertureLeft + m.apertureRight) / 2, neutral: -0.3089, span: 0.1181, fittedOn: 'anger' },
  /** AU9 Nose wrinkler: nose wings (48, 278) drawn up toward the inner eye corners: −(their distance). */
  { code: 'AU9', name: 'Nose wrinkler', raw: (m) => -m.alaToEye, neutral: -0.6597, span: 0.0776, fittedOn: 'disgust', weak: true },
  /** AU10 Upper lip raiser: upper lip top (0) raised toward the subnasale (2): −(their distance). */
  { code: 'AU10', name: 'Upper lip raiser', raw: (m) => -m.noseToLip, neutral: -0.2281, span: 0.052, fittedOn: 'disgust' },
  /** AU12 Lip corner puller: mouth corners (61, 291) above the centre of the inner lips (13, 14). */
  { code: 'AU12', name: 'Lip corner puller', raw: (m) => m.cornerLift, neutral: -0.0367, span: 0.1027, fittedOn: 'happiness' },
  /** AU14 Dimpler: mouth corners pulled back: their depth behind the inner lips' centre. */
  { code: 'AU14', name: 'Dimpler', raw: (m) => m.cornerDepth, neutral: 0.1877, span: 0.1208, fittedOn: 'happiness' },
  /** AU15 Lip corner depressor: mouth corners (61, 291) below the centre of the inner lips: −(corner lift). */
  { code: 'AU15', name: 'Lip corner depressor', raw: (m) => -m.cornerLift, neutral: 0.0367, span: 0.0203, fittedOn: 'sadness', weak: true },
  /** AU17 Chin raiser: chin boss pushing the lower lip up: −(lower lip bottom (17) to chin (152)). */
  { code: 'AU17', name: 'Chin raiser', raw: (m) => -m.lipToChin, neutral: -0.5406, span: 0.1076, fittedOn: 'sadness', weak: true },
  /** AU20 Lip stretcher: mouth widened: corner-to-corner distance (61–291). */
  { code: 'AU20', name: 'Lip stretcher', raw: (m) => m.mouthWidth, neutral: 0.759, span: 0.1545, fittedOn: 'fear', weak: true },
  /** AU23 Lip tightener: red lips narrowed: −(upper (0–13) plus lower (14–17) lip thickness). */
  { code: 'AU23', name: 'Lip tightener', raw: (m) => -m.lipThickness, neutral: -0.2799, span: 0.0249, fittedOn: 'anger', weak: true },
  /** AU25 Lips part: gap between the inner lip edges (13, 14). */
  { code: 'AU25', name: 'Lips part', raw: (m) => m.lipGap, neutral: 0.0359, span: 0.2933, fittedOn: 'surprise' },
  /** AU26 Jaw drop: chin (152) lowered from the subnasale (2): their distance. */
  { code: 'AU26', name: 'Jaw drop', raw: (m) => m.noseToChin, neutral: 1.0365, span: 0.1958, fittedOn: 'surprise' },
  /** AU43 Eyes closed: eye aperture near zero: −(mean aperture of both eyes), full at an aperture of 0.05. */
  { code: 'AU43', name: 'Eyes closed', raw: (m) => -(m.apertureLeft + m.apertureRight) / 2, neutral: -0.1545, span: 0.1045, fittedOn: 'closed eyes (fixed)' },
];

/** An action unit's raw measure mapped to [0, 1] from `neutral` (the population's, or the face's baseline). */
export function intensity(definition: ActionUnitDefinition, raw: number, neutral = definition.neutral): number {
  const value = (raw - neutral) / definition.span;
  return value > 1 ? 1 : value > 0 ? value : 0;
}

/** The raw measure of every action unit, in definition order. */
export function actionUnitMeasures(m: FaceMeasures): number[] {
  return ACTION_UNIT_DEFINITIONS.map((d) => d.raw(m));
}

/** The WIA `action_units` of raw measures (definition order), against `baseline` raw values when given; 3 decimals. */
export function actionUnits(raw: readonly number[], baseline?: readonly number[]): ActionUnit[] {
  return ACTION_UNIT_DEFINITIONS.map((d, i) => ({ au: d.code, intensity: round(intensity(d, raw[i]!, baseline?.[i]), 3) }));
}
