/**
 * Exponential backoff with full jitter: the wait before the next try of an item that failed `attempt` times is a
 * random time in [0, min(maxMs, baseMs × factor^(attempt − 1))]. Full jitter (rather than a fixed or "equal" jitter)
 * spreads the retries of many clients coming back at once, e.g. after a server restart or when the network returns.
 */

/** The numbers of the backoff; {@link ResolvedUploaderOptions} carries them. */
export interface BackoffPolicy {
  /** Ceiling of the first wait, in ms. */
  baseMs: number;
  /** Most the ceiling grows to, in ms. */
  maxMs: number;
  /** Growth of the ceiling per failed try. */
  factor: number;
}

/**
 * The ceiling of the wait after `attempt` failed tries (1 for the first failure): `baseMs × factor^(attempt − 1)`,
 * capped at `maxMs`. `attempt` below 1 counts as 1.
 */
export function backoffCeiling(attempt: number, policy: BackoffPolicy): number {
  const n = Math.max(1, Math.floor(attempt));
  const ceiling = policy.baseMs * policy.factor ** (n - 1);
  // factor^n overflows to Infinity for large n: the cap still applies.
  return Number.isFinite(ceiling) ? Math.min(policy.maxMs, ceiling) : policy.maxMs;
}

/**
 * The wait in ms (an integer) before the next try after `attempt` failed tries: uniformly random in
 * [0, {@link backoffCeiling}]. `random` is `Math.random` unless a test passes its own (values in [0, 1)).
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  return Math.round(random() * backoffCeiling(attempt, policy));
}
