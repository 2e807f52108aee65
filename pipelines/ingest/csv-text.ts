import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** The decompressed text stream of a CSV file (gzip when the name ends in .gz). */
export function openCsvText(path: string): Readable {
  const raw = createReadStream(path, { highWaterMark: 1024 * 1024 });
  return /\.gz$/i.test(path) ? raw.pipe(createGunzip()) : raw;
}

/** The first line of a CSV file without its line ending; undefined for an empty file. */
export async function readFirstLine(path: string): Promise<string | undefined> {
  const stream = openCsvText(path);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      const nl = buf.indexOf(10);
      if (nl >= 0) {
        chunks.push(buf.subarray(0, nl));
        break;
      }
      chunks.push(buf);
    }
  } finally {
    stream.destroy();
  }
  if (chunks.length === 0) return undefined;
  return Buffer.concat(chunks).toString('utf8').replace(/\r$/, '');
}

/** Splits a CSV header line into column names (BOM, surrounding quotes and blanks removed). */
export function parseHeader(line: string): string[] {
  return line
    .replace(/^\uFEFF/, '')
    .split(',')
    .map((name) => name.trim().replace(/^"(.*)"$/, '$1').replaceAll('""', '"'));
}

/**
 * Line numbers (1-based, header = line 1) of data records given by 0-based index. DuckDB skips blank lines, so
 * they are skipped here too; records are assumed not to contain quoted line breaks, which the Kaggle files never do.
 */
export async function linesOfRecords(path: string, recordIndexes: readonly number[]): Promise<Map<number, number>> {
  const wanted = new Set(recordIndexes);
  const found = new Map<number, number>();
  if (wanted.size === 0) return found;
  const stream = openCsvText(path);
  let line = 1;
  let nonBlankLines = 0; // the first non-blank line is the header, so record k is non-blank line k + 1
  let lineHasContent = false;
  const endOfLine = (): void => {
    if (lineHasContent) {
      const record = nonBlankLines - 1;
      if (wanted.has(record)) found.set(record, line);
      nonBlankLines += 1;
    }
  };
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      for (let pos = 0; pos < buf.length; ) {
        const nl = buf.indexOf(10, pos);
        const end = nl < 0 ? buf.length : nl;
        for (let i = pos; !lineHasContent && i < end; i++) lineHasContent = buf[i] !== 13;
        if (nl < 0) break;
        endOfLine();
        if (found.size === wanted.size) return found;
        line += 1;
        lineHasContent = false;
        pos = nl + 1;
      }
    }
    endOfLine();
  } finally {
    stream.destroy();
  }
  return found;
}
