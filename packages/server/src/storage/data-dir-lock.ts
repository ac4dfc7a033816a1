/**
 * One process per embedded data directory. PGlite keeps its own copy of the database in memory and writes it back
 * without knowing of other writers: two servers on one `DATA_DIR` each acknowledged inserts that the other's writes
 * then lost (an audit lost 3 of 40 after a restart). A lock (`proper-lockfile`: a lock directory whose mtime the
 * holder refreshes, so a crashed holder's lock goes stale) makes the second process fail at start instead.
 */
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

/**
 * Takes the lock of `dataDir` (which must exist), waiting up to {@link STALE_MS} for a crashed holder's to go stale;
 * resolves with its release. Throws {@link DataDirLockedError} while a live process holds it.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  try {
    return await lock(dataDir, {
      stale: STALE_MS,
      retries: { retries: STALE_MS / 1000 + 1, minTimeout: 1000, maxTimeout: 1000 },
      realpath: false,
      // A lock that can no longer be refreshed (the directory gone) must not crash the process: the database
      // fails on its own then.
      onCompromised: () => undefined,
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOCKED') throw new DataDirLockedError(dataDir);
    throw error;
  }
}
