import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { StorageError } from '../../core/errors.js';
import type { Lake } from '../../core/storage/lake.js';

/** A fresh, empty lake and a local scratch directory for files to upload. */
export interface LakeUnderTest {
  readonly lake: Lake;
  readonly scratch: string;
}

/** The behaviour every Lake implementation must have; call inside a describe block. */
export function lakeContract(fresh: () => Promise<LakeUnderTest>): void {
  it('reads back JSON it wrote and reports missing objects as undefined', async () => {
    const { lake } = await fresh();
    expect(await lake.readJson('_ledger/ledger.json')).toBeUndefined();
    expect(await lake.readText('nothing/here.txt')).toBeUndefined();
    await lake.writeJson('_ledger/ledger.json', { format: 'x', n: [1, 2] });
    expect(await lake.readJson('_ledger/ledger.json')).toEqual({ format: 'x', n: [1, 2] });
    await lake.writeJson('_ledger/ledger.json', { format: 'y' });
    expect(await lake.readJson('_ledger/ledger.json')).toEqual({ format: 'y' });
  });

  it('puts local files, keeping the source unless asked to move it', async () => {
    const { lake, scratch } = await fresh();
    const a = join(scratch, 'a.bin');
    await writeFile(a, Buffer.from([1, 2, 3, 4]));
    await lake.putFile('staging/x/date=2017-01-01/data.parquet', a);
    expect(existsSync(a)).toBe(true);
    const b = join(scratch, 'b.bin');
    await writeFile(b, 'second');
    await lake.putFile('staging/x/date=2017-01-01/data.parquet', b, { move: true });
    expect(existsSync(b)).toBe(false);
    const local = await lake.materialise('staging/x/date=2017-01-01/data.parquet');
    expect(await readFile(local, 'utf8')).toBe('second');
    expect(await lake.stat('staging/x/date=2017-01-01/data.parquet')).toEqual({ key: 'staging/x/date=2017-01-01/data.parquet', size: 6 });
    expect(await lake.stat('staging/x/missing.parquet')).toBeUndefined();
  });

  it('lists by key prefix in key order and deletes', async () => {
    const { lake, scratch } = await fresh();
    const f = join(scratch, 'f');
    await writeFile(f, 'x');
    for (const key of ['staging/train/date=2017-01-02/data.parquet', 'staging/train/date=2017-01-01/data.parquet', 'staging/test/date=2017-01-01/data.parquet', 'raw/train/abc/train.csv']) {
      await lake.putFile(key, f);
    }
    expect((await lake.list('staging/train/')).map((o) => o.key)).toEqual([
      'staging/train/date=2017-01-01/data.parquet',
      'staging/train/date=2017-01-02/data.parquet',
    ]);
    expect((await lake.list('staging/t')).map((o) => o.key)).toHaveLength(3);
    expect((await lake.list('')).map((o) => o.key)).toHaveLength(4);
    expect(await lake.list('nothing/')).toEqual([]);
    await lake.delete('staging/train/date=2017-01-01/data.parquet');
    await lake.delete('staging/train/date=2017-01-01/data.parquet');
    expect((await lake.list('staging/train/')).map((o) => o.key)).toEqual(['staging/train/date=2017-01-02/data.parquet']);
  });

  it('materialises a prefix as a local directory that mirrors it exactly', async () => {
    const { lake, scratch } = await fresh();
    const f = join(scratch, 'f');
    await writeFile(f, 'one');
    await lake.putFile('staging/items/data.parquet', f);
    await lake.putFile('staging/train/date=2017-01-01/data.parquet', f);
    await writeFile(f, 'two');
    await lake.putFile('staging/train/date=2017-01-02/data.parquet', f);
    let dir = await lake.materialisePrefix('staging/train/');
    expect(await readFile(join(dir, 'date=2017-01-01/data.parquet'), 'utf8')).toBe('one');
    expect(await readFile(join(dir, 'date=2017-01-02/data.parquet'), 'utf8')).toBe('two');
    expect(existsSync(join(dir, 'items'))).toBe(false);
    await lake.putFile('staging/train/date=2017-01-01/data.parquet', f);
    await lake.delete('staging/train/date=2017-01-02/data.parquet');
    dir = await lake.materialisePrefix('staging/train/');
    expect(await readFile(join(dir, 'date=2017-01-01/data.parquet'), 'utf8')).toBe('two');
    expect(existsSync(join(dir, 'date=2017-01-02/data.parquet'))).toBe(false);
  });

  it('rejects keys that leave the lake and reports missing objects on materialise', async () => {
    const { lake } = await fresh();
    await expect(lake.writeJson('../outside.json', {})).rejects.toThrow(StorageError);
    await expect(lake.readText('/abs/key')).rejects.toThrow(/invalid lake key/);
    await expect(lake.list('a/../b/')).rejects.toThrow(/invalid lake key/);
    await expect(lake.materialise('staging/none.parquet')).rejects.toThrow(/does not exist/);
  });

  it('keeps the previous object when a write fails', async () => {
    const { lake, scratch } = await fresh();
    const f = join(scratch, 'f');
    await writeFile(f, 'kept');
    await lake.putFile('staging/items/data.parquet', f);
    await expect(lake.putFile('staging/items/data.parquet', join(scratch, 'does-not-exist'))).rejects.toThrow();
    expect(await readFile(await lake.materialise('staging/items/data.parquet'), 'utf8')).toBe('kept');
    expect((await lake.list('staging/')).map((o) => o.key)).toEqual(['staging/items/data.parquet']);
    expect(await lake.removeIncomplete('staging/')).toBe(0);
  });
}
