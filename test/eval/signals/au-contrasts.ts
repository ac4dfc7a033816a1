/**
 * What each action unit should separate, as (unit, expression) pairs scored against neutral faces: the issue's
 * list (AU6/AU12 on happiness; AU1/AU2/AU5/AU26 on surprise; AU4/AU7/AU23 on anger; AU1/AU4/AU15 on sadness;
 * AU9/AU10 on disgust; AU1/AU2/AU4/AU5/AU20 on fear), plus AU25 on surprise, AU17 on sadness and AU14 on happiness
 * (the expressions FACS's prototypes give them). AU43 (eyes closed) has no expression in these sets.
 */
import type { ActionUnitCode } from '../../../packages/schema/src/index.ts';

export const AU_CONTRASTS: readonly { au: ActionUnitCode; expression: string }[] = [
  { au: 'AU6', expression: 'happiness' },
  { au: 'AU12', expression: 'happiness' },
  { au: 'AU14', expression: 'happiness' },
  { au: 'AU1', expression: 'surprise' },
  { au: 'AU2', expression: 'surprise' },
  { au: 'AU5', expression: 'surprise' },
  { au: 'AU25', expression: 'surprise' },
  { au: 'AU26', expression: 'surprise' },
  { au: 'AU4', expression: 'anger' },
  { au: 'AU7', expression: 'anger' },
  { au: 'AU23', expression: 'anger' },
  { au: 'AU1', expression: 'sadness' },
  { au: 'AU4', expression: 'sadness' },
  { au: 'AU15', expression: 'sadness' },
  { au: 'AU17', expression: 'sadness' },
  { au: 'AU9', expression: 'disgust' },
  { au: 'AU10', expression: 'disgust' },
  { au: 'AU1', expression: 'fear' },
  { au: 'AU2', expression: 'fear' },
  { au: 'AU4', expression: 'fear' },
  { au: 'AU5', expression: 'fear' },
  { au: 'AU20', expression: 'fear' },
];
