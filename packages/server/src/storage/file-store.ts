/**
 * The default blob store: one file per key under a directory (`DATA_DIR/images`). A blob is written to a temporary
 * file in `.tmp/`, fsynced, then renamed into place (rename is atomic on one filesystem), and its directory is
 * fsynced, so a reader or a crash never sees half a file under a key.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { assertBlobKey, type BlobStore } from './blob-store.js';

/** Where temporary files go, inside the store's root; never listed, never a key (keys don't start with `.`). */
const TMP_DIR = '.tmp';
/** Temporary files older than this at startup are leftovers of a crash and are removed. */
const STALE_TMP_MS = 60 * 60 * 1000;

/** Options of {@link createFileBlobStore}. */
export interface FileBlobStoreOptions {
  /**
   * fsync each file and its directory before `put` resolves, so a committed row's image survives a power loss.
   * Defaults to `true`; tests may turn it off for speed.
   */
  fsync?: boolean;
}

/** What the health probe writes: one file-system block. */
const PING_BLOCK = new Uint8Array(4096);

/** A {@link BlobStore} keeping each blob as a file under `root` (created when missing). */
export async function createFileBlobStore(root: string, options: FileBlobStoreOptions = {}): Promise<BlobStore> {
  await mkdir(join(root, TMP_DIR), { recursive: true });
  await removeStaleTempFiles(join(root, TMP_DIR));
  return new FileBlobStore(root, options.fsync ?? true);
}

class FileBlobStore implements BlobStore {
  readonly kind = 'files' as const;
  readonly #root: string;
  readonly #fsync: boolean;
  /** Directories known to exist, so a put does not mkdir the same `images/yyyy/mm` each time. */
  readonly #dirs = new Set<string>();
  /** Directory fsyncs, shared by the puts that renamed into the directory while one was pending. */
  readonly #dirSyncs = new Map<string, DirectorySync>();

  constructor(root: string, fsync: boolean) {
    this.#root = root;
    this.#fsync = fsync;
  }

  #path(key: string): string {
    assertBlobKey(key);
    return join(this.#root, ...key.split('/'));
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.#path(key);
    const dir = dirname(path);
    if (!this.#dirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.#dirs.add(dir);
    }
    const tmp = join(this.#root, TMP_DIR, `${randomUUID()}.tmp`);
    const file = await open(tmp, 'wx', 0o644);
    try {
      await file.writeFile(bytes);
      if (this.#fsync) await file.sync();
    } catch (error) {
      await file.close();
      await rm(tmp, { force: true });
      throw error;
    }
    await file.close();
    try {
      await rename(tmp, path);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    if (this.#fsync) await this.#syncDirectory(dir);
  }

  /**
   * fsyncs `dir` after this call (group commit): a put waits for one fsync that starts after its rename. Concurrent
   * puts share it, so twenty puts into one directory cost about two directory fsyncs, not twenty.
   */
  #syncDirectory(dir: string): Promise<void> {
    let sync = this.#dirSyncs.get(dir);
    if (sync === undefined) {
      sync = { running: null, next: null };
      this.#dirSyncs.set(dir, sync);
    }
    const state = sync;
    if (state.next !== null) return state.next;
    const start = (): Promise<void> => {
      const run = syncDirectory(dir).finally(() => {
        state.running = null;
        if (state.next === null) this.#dirSyncs.delete(dir);
      });
      state.running = run;
      return run;
    };
    if (state.running === null) return start();
    // One is running, maybe started before our rename: queue the next one, which every later put joins.
    const next = state.running
      .catch(() => undefined)
      .then(() => {
        state.next = null;
        return start();
      });
    state.next = next;
    return next;
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      return await readFile(this.#path(key));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.#path(key));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async *list(prefix = ''): AsyncIterable<string> {
    for (const entry of await readdir(this.#root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const relative = join(entry.parentPath, entry.name).slice(this.#root.length + 1).split(sep).join('/');
      if (relative.startsWith('.') || !relative.startsWith(prefix)) continue;
      yield relative;
    }
  }

  async ping(): Promise<void> {
    // Writable, not only readable: a missing or read-only directory fails here, and a full disk too: an empty file
    // needs no data block, so the probe writes one and syncs it (a disk that delays allocation fails at the sync).
    const probe = join(this.#root, TMP_DIR, `ping-${randomUUID()}.tmp`);
    const handle = await open(probe, 'wx');
    try {
      await handle.write(PING_BLOCK);
      await handle.datasync();
    } finally {
      await handle.close();
      await unlink(probe).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    // Nothing to release: every file is closed when its call returns.
  }
}

/** The directory fsync in flight for a directory, and the one queued after it. */
interface DirectorySync {
  running: Promise<void> | null;
  next: Promise<void> | null;
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function removeStaleTempFiles(tmpDir: string): Promise<void> {
  const before = Date.now() - STALE_TMP_MS;
  for (const name of await readdir(tmpDir)) {
    const path = join(tmpDir, name);
    const info = await stat(path).catch(() => null);
    if (info !== null && info.mtimeMs < before) await rm(path, { force: true });
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}
