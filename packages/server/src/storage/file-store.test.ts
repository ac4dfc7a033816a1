import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from './blob-store.js';
import { createFileBlobStore } from './file-store.js';

describe('file blob store', () => {
  let root: string;
  let store: BlobStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'emolens-files-'));
    store = await createFileBlobStore(root);
  });
  afterEach(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  const list = async (prefix?: string): Promise<string[]> => {
    const keys: string[] = [];
    for await (const key of store.list(prefix)) keys.push(key);
    return keys.sort();
  };

  it('puts, gets, lists and deletes blobs, with fsync', async () => {
    await store.put('images/2025/01/a.jpg', new Uint8Array([1, 2, 3]), 'image/jpeg');
    await store.put('images/2025/02/b.png', new Uint8Array([4]), 'image/png');
    await store.put('other/c', new Uint8Array([5]), 'application/octet-stream');
    expect([...((await store.get('images/2025/01/a.jpg')) ?? [])]).toEqual([1, 2, 3]);
    expect(await store.get('images/none.jpg')).toBeNull();
    expect(await list()).toEqual(['images/2025/01/a.jpg', 'images/2025/02/b.png', 'other/c']);
    expect(await list('images/')).toEqual(['images/2025/01/a.jpg', 'images/2025/02/b.png']);
    await store.delete('images/2025/01/a.jpg');
    await store.delete('images/2025/01/a.jpg'); // deleting twice is fine
    expect(await list('images/')).toEqual(['images/2025/02/b.png']);
    // The temporary file was renamed away: nothing is left in .tmp.
    expect(await readdir(join(root, '.tmp'))).toEqual([]);
  });

  it('handles concurrent puts into one directory (shared directory fsyncs)', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `images/2025/03/k${i}.jpg`);
    await Promise.all(keys.map((key, i) => store.put(key, new Uint8Array([i]), 'image/jpeg')));
    await Promise.all(keys.slice(0, 5).map((key) => store.put(key, new Uint8Array([99]), 'image/jpeg')));
    expect(await list('images/')).toEqual([...keys].sort());
    for (const [i, key] of keys.entries()) expect([...((await store.get(key)) ?? [])]).toEqual([i < 5 ? 99 : i]);
  });

  it('replaces a blob atomically', async () => {
    await store.put('k/x', new Uint8Array([1]), 'application/octet-stream');
    await store.put('k/x', new Uint8Array([2, 2]), 'application/octet-stream');
    expect([...((await store.get('k/x')) ?? [])]).toEqual([2, 2]);
  });

  it('refuses keys that could name a path outside the store', async () => {
    for (const key of ['../escape', 'a/../../b', '/etc/passwd', 'images/./x', 'UPPER', 'a\\b', '', 'a/..']) {
      await expect(store.put(key, new Uint8Array([1]), 'x'), key).rejects.toThrow(/not a blob key/);
      await expect(store.get(key), key).rejects.toThrow(/not a blob key/);
      await expect(store.delete(key), key).rejects.toThrow(/not a blob key/);
    }
    expect(await list()).toEqual([]);
  });

  it('never lists temporary files, and removes stale ones on open', async () => {
    await writeFile(join(root, '.tmp', 'left-over.tmp'), 'x');
    expect(await list()).toEqual([]);
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    const { utimes } = await import('node:fs/promises');
    await utimes(join(root, '.tmp', 'left-over.tmp'), old, old);
    await writeFile(join(root, '.tmp', 'fresh.tmp'), 'x');
    await createFileBlobStore(root);
    expect(await readdir(join(root, '.tmp'))).toEqual(['fresh.tmp']);
  });

  it('pings while writable and fails when its directory is gone', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
    await rm(root, { recursive: true, force: true });
    await expect(store.ping()).rejects.toThrow();
  });
});
