/**
 * {@link BlobStore} on any S3-compatible bucket (AWS S3, MinIO, Ceph, R2, s3rver…), through `@aws-sdk/client-s3`.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { assertBlobKey, type BlobStore } from './blob-store.js';

/** Milliseconds {@link BlobStore.ping} waits for `HeadBucket`. Defaults to 2000: `/health` must answer promptly. */
export const DEFAULT_S3_PING_TIMEOUT_MS = 2_000;
/** Milliseconds a connection to the endpoint may take. Defaults to 5000, so a dead host fails rather than hangs. */
export const DEFAULT_S3_CONNECT_TIMEOUT_MS = 5_000;

/** Where the bucket is and how to sign requests to it (the server's `S3_*` settings). */
export interface S3BlobStoreOptions {
  /** Endpoint URL, e.g. `https://s3.eu-west-1.amazonaws.com` or `http://127.0.0.1:9000` for MinIO. */
  endpoint: string;
  /** Bucket name; it must exist (the server never creates buckets). */
  bucket: string;
  /** Region used to sign requests; any value for most emulators (`us-east-1`). */
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `true` for `endpoint/bucket/key` URLs (MinIO, s3rver); `false` for `bucket.endpoint/key` (AWS). */
  forcePathStyle: boolean;
  /** Milliseconds `ping()` waits. Defaults to {@link DEFAULT_S3_PING_TIMEOUT_MS}. */
  pingTimeoutMs?: number;
  /** Keys per ListObjectsV2 request. Defaults to 1000, S3's maximum; tests lower it to cross pages cheaply. */
  listPageSize?: number;
}

/** A {@link BlobStore} on the bucket that `options` names. Makes no request until it is used. */
export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore {
  const { bucket } = options;
  const pingTimeoutMs = options.pingTimeoutMs ?? DEFAULT_S3_PING_TIMEOUT_MS;
  const client = new S3Client({
    endpoint: options.endpoint,
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    // SDK versions from 2025 on add a CRC32 checksum to every upload and check it on downloads. For a streamed
    // body the checksum travels as an aws-chunked trailer, which older S3-compatible servers reject or store
    // verbatim (s3rver 3.7 keeps the chunk framing: a 50,000-byte stream came back as 50,044 bytes). Checksums are
    // therefore sent only where an operation requires them; TLS already protects the bytes in transit.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: DEFAULT_S3_CONNECT_TIMEOUT_MS },
  });
  let closed = false;

  return {
    kind: 's3',

    async put(key, bytes, contentType) {
      assertBlobKey(key);
      // S3 acknowledges a PUT only once the object is stored durably, which is what `put` promises.
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType, ContentLength: bytes.byteLength }),
      );
    },

    async get(key) {
      assertBlobKey(key);
      try {
        const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!result.Body) return new Uint8Array();
        return await result.Body.transformToByteArray();
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },

    async delete(key) {
      assertBlobKey(key);
      // S3 answers 204 also when there was no such key, as `delete` promises.
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },

    async *list(prefix) {
      if (prefix) assertBlobKey(prefix);
      // Pages of up to `listPageSize` keys, fetched one at a time as the caller iterates, so a large bucket is never held.
      for await (const page of paginateListObjectsV2({ client, pageSize: options.listPageSize }, { Bucket: bucket, Prefix: prefix || undefined })) {
        for (const object of page.Contents ?? []) {
          // A shared bucket may hold objects the server did not write; it could not address them anyway.
          if (object.Key && isBlobKey(object.Key)) yield object.Key;
        }
      }
    },

    async ping() {
      if (closed) throw new Error('the blob store is closed');
      // HeadBucket checks the endpoint, the credentials and the bucket in one cheap request. The SDK retries
      // failures with backoff; the abort bounds the whole, so `/health` answers even when the endpoint hangs.
      await client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: AbortSignal.timeout(pingTimeoutMs) });
    },

    async close() {
      closed = true;
      client.destroy();
    },
  };
}

function isBlobKey(key: string): boolean {
  try {
    assertBlobKey(key);
    return true;
  } catch {
    return false;
  }
}

function isNotFound(error: unknown): boolean {
  if (error instanceof NoSuchKey) return true;
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  if (e?.name === 'NoSuchBucket') return false;
  // Some S3-compatible servers answer a missing key with a bare 404 whose code the SDK cannot name.
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}
