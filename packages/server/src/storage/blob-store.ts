/**
 * The one interface the server has to where images are kept: files under `DATA_DIR` (the default) and any
 * S3-compatible bucket (`S3_*` settings) both implement it.
 *
 * Keys are chosen by the server, never by a client: `[a-z0-9/._-]`, no `..` segment, no leading `/`
 * ({@link assertBlobKey}), so no request can name a path.
 */

/** A store of immutable blobs (the annotation images), addressed by key. */
export interface BlobStore {
  /** Which implementation this is, as `/health` reports it. */
  readonly kind: 'files' | 's3';
  /** Writes `bytes` under `key`, replacing any blob there; resolves once it is durable. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The bytes under `key`, or `null` when there is none. */
  get(key: string): Promise<Uint8Array | null>;
  /** Removes the blob under `key`; resolves also when there was none. */
  delete(key: string): Promise<void>;
  /** Every key that starts with `prefix` (all keys when it is omitted), in no particular order. */
  list(prefix?: string): AsyncIterable<string>;
  /** Resolves when the store can be read and written; rejects when it is down. */
  ping(): Promise<void>;
  /** Releases connections; the object is unusable afterwards. */
  close(): Promise<void>;
}

const KEY = /^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[a-z0-9][a-z0-9/._-]{0,254}$/;

/** Throws when `key` is not a key the server would choose (see {@link BlobStore}). */
export function assertBlobKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`not a blob key: ${JSON.stringify(key)}`);
}
