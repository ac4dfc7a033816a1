/**
 * The cross-tab lock around a drain pass: with Web Locks (`navigator.locks`), one tab of the origin at a time holds
 * the lock of a queue and sends; the others' requests wait in the lock's line and run their own pass after it (which
 * finds the line empty, or picks it up where a closed or crashed tab left it: the browser releases a dead tab's locks).
 *
 * Without Web Locks (browsers before 2022, some embedded webviews) the pass runs unlocked: within a tab, passes never
 * overlap (the uploader runs one at a time), but two tabs may send the same item at once. The server still stores it
 * once, since both requests carry the item's `Idempotency-Key`.
 */

/** Whether this browser has Web Locks. */
export function hasWebLocks(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.locks?.request === 'function';
}

/**
 * Runs `task` holding the exclusive lock `name` (waiting for it), or unlocked where Web Locks is missing. Aborting
 * `signal` while waiting gives up the wait (the promise rejects with an `AbortError`).
 */
export function withTabLock<T>(name: string, signal: AbortSignal, task: () => Promise<T>): Promise<T> {
  if (!hasWebLocks()) return task();
  let ran = false;
  const locked = navigator.locks.request(name, { mode: 'exclusive', signal }, () => {
    ran = true;
    return task();
  }) as Promise<T>;
  // A page of an opaque origin (a sandboxed iframe) has navigator.locks, but every request is a SecurityError.
  return locked.catch((error: unknown) => {
    if (!ran && error instanceof DOMException && error.name === 'SecurityError') return task();
    throw error;
  });
}
