/**
 * `action_units`, with `returnActionUnits: true` (or the WIA request's `return_action_units`): every unit of
 * `action-units.ts`, sorted by AU number as in the WIA example, measured against the face's neutral baseline
 * when one is known (`baseline.ts`), else the population's.
 */
import { actionUnits } from './action-units.js';
import { signal } from './signal.js';

export const actionUnitsSignal = signal({
  field: 'action_units',
  option: 'returnActionUnits',
  needs: ['mesh'],
  derive: ({ features }) => {
    const f = features();
    return f ? actionUnits(f.actionUnits, f.baseline?.actionUnits) : undefined;
  },
});
