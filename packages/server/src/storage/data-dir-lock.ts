/**
 * One process per embedded data directory. PGlite keeps its own copy of the database in memory and writes it back
 * without knowing of other writers: two servers on one `DATA_DIR` each acknowledged inserts that the other's writes
 * then lost (an audit lost 3 of 40 after a restart). A lock (`proper-lockfile`: a lock directory whose mtime the
 * holder refreshes, so a crashed holder's lock goes stale) makes the second process fail at start instead.
 *
 * A holder that was only paused (a debugger, a frozen VM, `docker pause`) for longer than the stale time finds its
 * lock taken over when it resumes: it must write nothing more. Each holder writes its own token beside the lock, and
 * the database checks it before every statement ({@link DataDirLock.assertHeld}); the first check that finds another
 * token, or a refresh that finds the lock changed, reports the loss once (`onLost`: the server stops).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { lock } from 'proper-lockfile';

/** Another live process holds the data directory. */
export class DataDirLockedError extends Error {
  constructor(readonly dataDir: string) {
    super(`${dataDir} is in use by another process (an EmoLens server or export): one process per data directory; stop it, or share a database with DATABASE_URL`);
    this.name = 'DataDirLockedError';
  }
}

/**
 * A lock not refreshed for this long (the holder refreshes it every half of it) is a crashed holder's, and is taken
 * over: a server killed with SIGKILL restarts within this.
 */
const STALE_MS = 5_000;

/** The data directory was taken over by another process while this one held it (it was paused past the stale time). */
export class DataDirLostError extends Error {
  constructor(readonly dataDir: string) {
    super(`${dataDir} was taken over by another process (this one was paused for more than ${STALE_MS / 1000} s): nothing more is written here`);
    this.name = 'DataDirLostError';
  }
}

/** A held data directory. */
export interface DataDirLock {
  /** Throws {@link DataDirLostError} once another process has taken the directory over. Cheap: one small read. */
  assertHeld(): void;
  /** Whether the directory is still this process's (the check of {@link DataDirLock.assertHeld}, without throwing). */
  held(): boolean;
  /** Gives the directory up. */
  release(): Promise<void>;
}

/**
 * Takes the lock of `dataDir` (which must exist), waiting up to {@link STALE_MS} for a crashed holder's to go stale.
 * Throws {@link DataDirLockedError} while a live process holds it. `onLost` is called once if the lock is later lost.
 */
export async function lockDataDir(dataDir: string, onLost: (error: DataDirLostError) => void = () => undefined): Promise<DataDirLock> {
  let lost: DataDirLostError | undefined;
  const lose = (): DataDirLostError => {
    if (!lost) {
      lost = new DataDirLostError(dataDir);
      onLost(lost);
    }
    return lost;
  };
  const tokenFile = `${dataDir}.owner`;
  const token = `${process.pid} ${randomUUID()}`;
  /** Whether another holder's token replaced ours; a token that cannot be read (the directory gone) is no proof. */
  const takenOver = (): boolean => {
    try {
      return readFileSync(tokenFile, 'utf8') !== token;
    } catch {
      return false;
    }
  };
  // A refresh that failed or found the lock changed: lost only if another holder's token is there (a deleted
  // directory fails the database on its own; a late refresh of a lock no one took keeps it).
  const release = await takeLock(dataDir, () => {
    if (takenOver()) lose();
  });
  writeFileSync(tokenFile, token);
  return {
    assertHeld() {
      if (lost) throw lost;
      if (takenOver()) throw lose();
    },
    held() {
      if (!lost && takenOver()) lose();
      return !lost;
    },
    release,
  };
}

/** proper-lockfile's lock of `dataDir`; `onCompromised` when a refresh finds it changed. */
async function takeLock(dataDir: string, onCompromised: () => void): Promise<() => Promise<void>> {
  try {
    return await lock(dataDir, {
      stale: STALE_MS,
      retries: { retries: STALE_MS / 1000 + 1, minTimeout: 1000, maxTimeout: 1000 },
      realpath: false,
      // Not proper-lockfile's default (throwing, which would crash the process): the server stops in order instead.
      onCompromised,
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOCKED') throw new DataDirLockedError(dataDir);
    throw error;
  }
}
