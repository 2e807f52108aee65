import type { ByteSink } from './atomic-file-sink.js';

/** Bytes per chunk handed to the sink: large enough that per-write overhead vanishes, small enough to stay lean. */
export const CHUNK_BYTES = 4 << 20;

/**
 * Accumulates output bytes in large chunks. Hot loops read `buf` and `pos` into locals, write bytes directly,
 * call `flushChunk()` when a row might not fit, and store `pos` back; the caller awaits `settle()` between
 * batches so that a slow disk holds the producer back (bounded memory).
 */
export class ChunkWriter {
  buf: Buffer;
  pos = 0;
  private readonly textEncoder = new TextEncoder();

  constructor(
    private readonly sink: ByteSink,
    readonly chunkBytes: number = CHUNK_BYTES,
  ) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
  }

  /** Hands the filled part of the current chunk to the sink and starts a new chunk. */
  flushChunk(): void {
    if (this.pos === 0) return;
    // The sink keeps a reference until the bytes are written, so the next chunk needs fresh memory.
    this.sink.write(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(this.chunkBytes);
    this.pos = 0;
  }

  /** Appends text (ASCII or UTF-8), flushing first when it would not fit. */
  writeText(text: string): void {
    const bytes = this.textEncoder.encode(text);
    if (this.pos + bytes.length > this.buf.length) this.flushChunk();
    if (bytes.length > this.buf.length) {
      this.sink.write(bytes);
      return;
    }
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Waits while the sink is over its high-water mark. */
  async settle(): Promise<void> {
    if (this.sink.needsDrain) await this.sink.drain();
  }

  /** Flushes the last partial chunk. */
  finish(): void {
    this.flushChunk();
  }
}
