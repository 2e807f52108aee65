import { createWriteStream } from 'node:fs';
import { open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';
import { StorageError } from '../../core/errors.js';

/** Where a chunk writer hands its filled chunks. */
export interface ByteSink {
  write(chunk: Uint8Array): void;
  /** True while too much is queued: the producer should `await drain()` before writing more. */
  readonly needsDrain: boolean;
  drain(): Promise<void>;
}

/** A file being written under a temporary name, renamed into place only by `commit()`. */
export interface AtomicFileSink extends ByteSink {
  readonly finalPath: string;
  /** Waits until every byte is on disk under the temporary name; returns the file size. */
  close(): Promise<number>;
  /** Moves the finished file to its real name (atomic within one file system). */
  commit(): Promise<void>;
  /** Discards the temporary file; safe at any point and more than once. */
  abort(): Promise<void>;
}

/** Chunks in flight to the disk before the producer waits: keeps CPU and I/O busy at the same time. */
const MAX_IN_FLIGHT = 4;

/**
 * Opens `finalPath` for writing under a hidden temporary name in the same directory, so that a crash or an
 * error never leaves a half-written file under the real name; `gzip` compresses the stream.
 */
export async function openAtomicFile(finalPath: string, gzip: boolean): Promise<AtomicFileSink> {
  const tempPath = join(dirname(finalPath), `.${basename(finalPath)}.${process.pid}.tmp`);
  if (gzip) return new GzipFileSink(finalPath, tempPath);
  try {
    return new PlainFileSink(finalPath, tempPath, await open(tempPath, 'w'));
  } catch (cause) {
    throw storageFailure(finalPath, cause);
  }
}

function storageFailure(path: string, cause: unknown): StorageError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new StorageError(`cannot write ${path}: ${reason}`, { cause });
}

abstract class TempFile {
  constructor(
    readonly finalPath: string,
    readonly tempPath: string,
  ) {}

  async commit(): Promise<void> {
    try {
      await rename(this.tempPath, this.finalPath);
    } catch (cause) {
      throw storageFailure(this.finalPath, cause);
    }
  }

  protected async removeTemp(): Promise<void> {
    await unlink(this.tempPath).catch(() => undefined);
  }
}

/**
 * Uncompressed output through positional writes: up to MAX_IN_FLIGHT chunks are written concurrently while the
 * producer fills the next one, and `drain()` returns as soon as the oldest finishes (not when all have).
 */
class PlainFileSink extends TempFile implements AtomicFileSink {
  private readonly inFlight: Promise<void>[] = [];
  private position = 0;
  private error: unknown;
  private closed = false;

  constructor(
    finalPath: string,
    tempPath: string,
    private readonly handle: FileHandle,
  ) {
    super(finalPath, tempPath);
  }

  get needsDrain(): boolean {
    return this.inFlight.length >= MAX_IN_FLIGHT;
  }

  write(chunk: Uint8Array): void {
    this.throwIfFailed();
    const at = this.position;
    this.position += chunk.length;
    const pending = this.writeFully(chunk, at);
    pending.catch((err: unknown) => {
      this.error ??= err;
    });
    this.inFlight.push(pending);
  }

  async drain(): Promise<void> {
    while (this.inFlight.length >= MAX_IN_FLIGHT) await this.settleOldest();
    this.throwIfFailed();
  }

  async close(): Promise<number> {
    while (this.inFlight.length > 0) await this.settleOldest();
    this.throwIfFailed();
    this.closed = true;
    try {
      await this.handle.close();
      return (await stat(this.tempPath)).size;
    } catch (cause) {
      throw storageFailure(this.finalPath, cause);
    }
  }

  async abort(): Promise<void> {
    await Promise.allSettled(this.inFlight);
    if (!this.closed) {
      this.closed = true;
      await this.handle.close().catch(() => undefined);
    }
    await this.removeTemp();
  }

  private async writeFully(chunk: Uint8Array, at: number): Promise<void> {
    let done = 0;
    while (done < chunk.length) {
      const { bytesWritten } = await this.handle.write(chunk, done, chunk.length - done, at + done);
      done += bytesWritten;
    }
  }

  private async settleOldest(): Promise<void> {
    await this.inFlight.shift()?.catch(() => undefined);
  }

  private throwIfFailed(): void {
    if (this.error !== undefined) throw storageFailure(this.finalPath, this.error);
  }
}

/** gzip output: compression runs on libuv's thread pool while the producer keeps generating. */
class GzipFileSink extends TempFile implements AtomicFileSink {
  private readonly zip: Gzip;
  private readonly done: Promise<void>;
  private error: unknown;

  constructor(finalPath: string, tempPath: string) {
    super(finalPath, tempPath);
    this.zip = createGzip({ chunkSize: 1 << 20 });
    this.done = pipeline(this.zip, createWriteStream(tempPath, { highWaterMark: 4 << 20 }));
    this.done.catch((err: unknown) => {
      this.error ??= err;
    });
  }

  get needsDrain(): boolean {
    return this.zip.writableNeedDrain;
  }

  write(chunk: Uint8Array): void {
    this.throwIfFailed();
    this.zip.write(chunk);
  }

  async drain(): Promise<void> {
    this.throwIfFailed();
    if (!this.zip.writableNeedDrain) return;
    try {
      await Promise.race([once(this.zip, 'drain'), this.done]);
    } catch (cause) {
      throw storageFailure(this.finalPath, cause);
    }
  }

  async close(): Promise<number> {
    this.throwIfFailed();
    this.zip.end();
    try {
      await this.done;
      return (await stat(this.tempPath)).size;
    } catch (cause) {
      throw storageFailure(this.finalPath, cause);
    }
  }

  async abort(): Promise<void> {
    this.zip.destroy();
    await this.done.catch(() => undefined);
    await this.removeTemp();
  }

  private throwIfFailed(): void {
    if (this.error !== undefined) throw storageFailure(this.finalPath, this.error);
  }
}
