import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { StorageError } from '../errors.js';
import { parseLakeJson, type Lake, type LakeObject } from './lake.js';
import { assertLakeKey } from './lake-key.js';
import type { S3Location } from './s3-url.js';

/** Connection settings for S3 or an S3-compatible server. */
export interface S3LakeOptions {
  readonly region: string;
  /** An S3-compatible endpoint such as http://127.0.0.1:9000; path-style addressing is used with it. */
  readonly endpoint?: string;
  /** Local directory where objects are downloaded for DuckDB. */
  readonly cacheDir: string;
  /** Files larger than this go up in parts (S3 caps a single PutObject at 5 GB). */
  readonly multipartThreshold?: number;
  readonly partSize?: number;
}

interface ListedObject extends LakeObject {
  readonly etag: string;
}

const MiB = 1024 * 1024;

/**
 * A lake under an S3 prefix. Credentials come from the SDK's standard chain (AWS_ACCESS_KEY_ID, profiles, roles).
 * PutObject and CompleteMultipartUpload both make an object visible at once, so every write is atomic.
 * Downloads for DuckDB are cached by ETag under `cacheDir`.
 */
export class S3Lake implements Lake {
  readonly location: string;
  private readonly client: S3Client;
  private readonly cacheRoot: string;
  private readonly multipartThreshold: number;
  private readonly partSize: number;

  constructor(
    private readonly where: S3Location,
    options: S3LakeOptions,
  ) {
    this.location = `s3://${where.bucket}${where.prefix ? `/${where.prefix}` : ''}`;
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.endpoint !== undefined,
      // Many S3-compatible servers reject the SDK's default trailing checksums; send them only when required.
      ...(options.endpoint ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
    });
    this.cacheRoot = join(options.cacheDir, 's3', where.bucket, where.prefix ? encodeURIComponent(where.prefix) : '_root');
    this.partSize = options.partSize ?? 64 * MiB;
    this.multipartThreshold = options.multipartThreshold ?? this.partSize;
  }

  async readText(key: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.where.bucket, Key: this.fullKey(key) }));
      return await out.Body!.transformToString('utf8');
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw this.failure('read', key, err);
    }
  }

  async readJson(key: string): Promise<unknown> {
    return parseLakeJson(await this.readText(key), this.urlOf(key));
  }

  async writeJson(key: string, value: unknown): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.where.bucket,
          Key: this.fullKey(key),
          Body: `${JSON.stringify(value, null, 2)}\n`,
          ContentType: 'application/json',
        }),
      );
    } catch (err) {
      throw this.failure('write', key, err);
    }
  }

  async putFile(key: string, localPath: string, options: { move?: boolean } = {}): Promise<void> {
    const size = (await stat(localPath)).size;
    try {
      if (size <= this.multipartThreshold) {
        await this.client.send(
          new PutObjectCommand({ Bucket: this.where.bucket, Key: this.fullKey(key), Body: await readFile(localPath) }),
        );
      } else {
        await this.putInParts(key, localPath, size);
      }
    } catch (err) {
      throw err instanceof StorageError ? err : this.failure('upload', key, err);
    }
    if (options.move) await rm(localPath, { force: true });
  }

  async stat(key: string): Promise<LakeObject | undefined> {
    const head = await this.head(key);
    return head && { key: head.key, size: head.size };
  }

  async list(prefix: string): Promise<LakeObject[]> {
    return (await this.listWithEtags(prefix)).map(({ key, size }) => ({ key, size }));
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.where.bucket, Key: this.fullKey(key) }));
    } catch (err) {
      if (!isMissing(err)) throw this.failure('delete', key, err);
    }
  }

  async materialise(key: string): Promise<string> {
    const head = await this.head(key);
    if (!head) throw new StorageError(`${this.urlOf(key)} does not exist`);
    return this.fetch(head);
  }

  async materialisePrefix(prefix: string): Promise<string> {
    const objects = await this.listWithEtags(prefix);
    const wanted = new Set(objects.map((o) => o.key));
    const dir = join(this.cacheRoot, 'objects', prefix);
    await mkdir(dir, { recursive: true });
    await forEachLimited(objects, 4, (o) => this.fetch(o).then(() => undefined));
    // Drop cached copies of objects that are gone, so a glob over the directory sees exactly the prefix.
    for (const relative of await listFiles(dir)) {
      const key = prefix + relative;
      if (!wanted.has(key)) {
        await rm(join(dir, relative), { force: true });
        await rm(this.etagPath(key), { force: true });
      }
    }
    return dir;
  }

  async removeIncomplete(prefix: string): Promise<number> {
    assertLakeKey(prefix, { prefix: true });
    let removed = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    try {
      for (;;) {
        const page = await this.client.send(
          new ListMultipartUploadsCommand({
            Bucket: this.where.bucket,
            Prefix: this.fullKey(prefix, true),
            KeyMarker: keyMarker,
            UploadIdMarker: uploadIdMarker,
          }),
        );
        for (const upload of page.Uploads ?? []) {
          await this.client.send(
            new AbortMultipartUploadCommand({ Bucket: this.where.bucket, Key: upload.Key!, UploadId: upload.UploadId! }),
          );
          removed += 1;
        }
        if (!page.IsTruncated) return removed;
        keyMarker = page.NextKeyMarker;
        uploadIdMarker = page.NextUploadIdMarker;
      }
    } catch (err) {
      throw this.failure('clean up interrupted uploads under', prefix, err);
    }
  }

  close(): void {
    this.client.destroy();
  }

  private async putInParts(key: string, localPath: string, size: number): Promise<void> {
    const Bucket = this.where.bucket;
    const Key = this.fullKey(key);
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const handle = await open(localPath, 'r');
    try {
      const parts: CompletedPart[] = [];
      const buffer = Buffer.allocUnsafe(this.partSize);
      for (let offset = 0, PartNumber = 1; offset < size; offset += this.partSize, PartNumber += 1) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(this.partSize, size - offset), offset);
        const { ETag } = await this.client.send(
          new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body: buffer.subarray(0, bytesRead) }),
        );
        parts.push({ ETag, PartNumber });
      }
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
    } catch (err) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
      throw err;
    } finally {
      await handle.close();
    }
  }

  private async head(key: string): Promise<ListedObject | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.where.bucket, Key: this.fullKey(key) }));
      return { key, size: out.ContentLength ?? 0, etag: out.ETag ?? '' };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw this.failure('stat', key, err);
    }
  }

  private async listWithEtags(prefix: string): Promise<ListedObject[]> {
    assertLakeKey(prefix, { prefix: true });
    const strip = this.where.prefix ? this.where.prefix.length + 1 : 0;
    const found: ListedObject[] = [];
    let ContinuationToken: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.where.bucket, Prefix: this.fullKey(prefix, true), ContinuationToken }),
        );
        for (const o of page.Contents ?? []) {
          found.push({ key: o.Key!.slice(strip), size: o.Size ?? 0, etag: o.ETag ?? '' });
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    } catch (err) {
      throw this.failure('list', prefix, err);
    }
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Downloads an object into the cache unless the cached copy has the same ETag; returns the local path. */
  private async fetch(object: ListedObject): Promise<string> {
    const path = join(this.cacheRoot, 'objects', object.key);
    const etagPath = this.etagPath(object.key);
    const [cachedEtag, cachedSize] = await Promise.all([
      readFile(etagPath, 'utf8').catch(() => undefined),
      stat(path).then((s) => s.size, () => undefined),
    ]);
    if (cachedEtag === object.etag && cachedSize === object.size) return path;
    const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.download`;
    try {
      await mkdir(dirname(path), { recursive: true });
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.where.bucket, Key: this.fullKey(object.key) }));
      await pipeline(out.Body as Readable, createWriteStream(temp));
      await rename(temp, path);
      await mkdir(dirname(etagPath), { recursive: true });
      await writeFile(etagPath, out.ETag ?? object.etag);
    } catch (err) {
      await rm(temp, { force: true });
      throw this.failure('download', object.key, err);
    }
    return path;
  }

  private etagPath(key: string): string {
    return join(this.cacheRoot, 'etags', key);
  }

  private fullKey(key: string, prefix = false): string {
    assertLakeKey(key, { prefix });
    return this.where.prefix ? `${this.where.prefix}/${key}` : key;
  }

  private urlOf(key: string): string {
    return `${this.location}/${key}`;
  }

  private failure(action: string, key: string, cause: unknown): StorageError {
    const reason = cause instanceof Error ? `: ${cause.name === 'Error' ? cause.message : `${cause.name} ${cause.message}`}` : '';
    return new StorageError(`cannot ${action} ${this.urlOf(key)}${reason}`, { cause });
  }
}

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  if (e?.name === 'NoSuchBucket') return false;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

async function listFiles(dir: string, relative = ''): Promise<string[]> {
  const entries = await readdir(join(dir, relative), { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries) {
    const rel = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else out.push(rel);
  }
  return out;
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
