/**
 * The `/load` statistics, computed in SQL over every stored annotation: per learning state the mean predicted and
 * user scores and their mean absolute error; for the seven-class emotion, the confusion matrix.
 */
import { LEARNING_STATES, WIA_EMOTIONS, type LearningState, type WiaEmotion } from '@emolens/schema';
import type { Queryable } from '../storage/database.js';

/** Agreement between the model and the users on one learning state. */
export interface StateStatistics {
  /** Annotations scored (every annotation scores every state). */
  count: number;
  /** Mean predicted score, `null` without annotations. */
  mean_predicted: number | null;
  /** Mean user score, `null` without annotations. */
  mean_user: number | null;
  /** Mean of |predicted − user|, `null` without annotations. */
  mean_absolute_error: number | null;
}

/** Agreement on the seven-class emotion, over the annotations that carry both `predicted_emotion` and `user_emotion`. */
export interface EmotionStatistics {
  /** The row and column order of the matrix: the WIA labels. */
  labels: readonly WiaEmotion[];
  /** Annotations with both labels. */
  count: number;
  /** Share of them where the user kept the predicted label, `null` when `count` is 0. */
  accuracy: number | null;
  /** `confusion_matrix[i][j]`: annotations predicted `labels[i]` that the user labelled `labels[j]`. */
  confusion_matrix: number[][];
}

/** The `statistics` of a `/load` response. */
export interface AnnotationStatistics {
  /** Stored annotations. */
  total: number;
  states: Record<LearningState, StateStatistics>;
  emotions: EmotionStatistics;
}

const STATE_SQL = `SELECT count(*)::int AS total, ${LEARNING_STATES.map(
  (s) =>
    `avg(predicted_${s})::float8 AS predicted_${s}, avg(user_${s})::float8 AS user_${s}, avg(abs(predicted_${s} - user_${s}))::float8 AS mae_${s}`,
).join(', ')} FROM annotations`;

const CONFUSION_SQL = `SELECT predicted_emotion AS predicted, user_emotion AS actual, count(*)::int AS n FROM annotations
  WHERE predicted_emotion IS NOT NULL AND user_emotion IS NOT NULL GROUP BY predicted_emotion, user_emotion`;

/** Computes the statistics over all annotations. */
export async function computeStatistics(db: Queryable): Promise<AnnotationStatistics> {
  const [stateRows, pairs] = await Promise.all([
    db.query<Record<string, number | null>>(STATE_SQL),
    db.query<{ predicted: WiaEmotion; actual: WiaEmotion; n: number }>(CONFUSION_SQL),
  ]);
  const row = stateRows[0]!;
  const total = Number(row['total']);
  const number = (value: number | null | undefined): number | null => (value === null || value === undefined ? null : Number(value));
  const states = Object.fromEntries(
    LEARNING_STATES.map((s) => [
      s,
      { count: total, mean_predicted: number(row[`predicted_${s}`]), mean_user: number(row[`user_${s}`]), mean_absolute_error: number(row[`mae_${s}`]) },
    ]),
  ) as Record<LearningState, StateStatistics>;

  const matrix = WIA_EMOTIONS.map(() => WIA_EMOTIONS.map(() => 0));
  let count = 0;
  let agreed = 0;
  for (const pair of pairs) {
    const i = WIA_EMOTIONS.indexOf(pair.predicted);
    const j = WIA_EMOTIONS.indexOf(pair.actual);
    if (i < 0 || j < 0) continue; // the CHECK constraints make this unreachable
    const n = Number(pair.n);
    matrix[i]![j] = n;
    count += n;
    if (i === j) agreed += n;
  }
  return { total, states, emotions: { labels: WIA_EMOTIONS, count, accuracy: count === 0 ? null : agreed / count, confusion_matrix: matrix } };
}
