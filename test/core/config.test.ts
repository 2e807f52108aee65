import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../core/config.js';
import { ConfigError, DataError, exitCodeFor, StorageError, UsageError } from '../../core/errors.js';

describe('loadConfig', () => {
  it('fills every default from an empty environment', () => {
    const c = loadConfig({});
    expect(c.lake).toBe('./lake');
    expect(c.modelName).toBe('favorita-unit-sales');
    expect(c.logLevel).toBe('info');
    expect(c.mlflowTrackingUri).toBeUndefined();
    expect(c.s3.region).toBe('us-east-1');
    expect(c.experimentName).toBe('shelfcast');
    expect(c.mlflowEmbedded).toEqual({ dir: './mlruns', artifacts: undefined });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads the tracking settings and checks the embedded server’s artifact location', () => {
    const c = loadConfig({ SHELFCAST_EXPERIMENT: 'favorita', SHELFCAST_MLFLOW_DIR: '/srv/mlflow', SHELFCAST_MLFLOW_ARTIFACTS: 's3://my-bucket/mlflow' });
    expect(c).toMatchObject({ experimentName: 'favorita', mlflowEmbedded: { dir: '/srv/mlflow', artifacts: 's3://my-bucket/mlflow' } });
    expect(() => loadConfig({ SHELFCAST_MLFLOW_ARTIFACTS: 's3://Bad_Bucket' })).toThrow(/SHELFCAST_MLFLOW_ARTIFACTS="s3:\/\/Bad_Bucket": expected a directory or s3:\/\/bucket/);
  });

  it('names the variable and the expected form on bad values', () => {
    expect(() => loadConfig({ MLFLOW_TRACKING_URI: 'not a url' })).toThrow(ConfigError);
    expect(() => loadConfig({ MLFLOW_TRACKING_URI: 'not a url' })).toThrow(/MLFLOW_TRACKING_URI="not a url": expected a URL/);
    expect(() => loadConfig({ SHELFCAST_LOG_LEVEL: 'loud' })).toThrow(/SHELFCAST_LOG_LEVEL="loud"/);
    expect(() => loadConfig({ SHELFCAST_LAKE: 's3://A_bad_bucket' })).toThrow(/SHELFCAST_LAKE.*bucket name/);
  });

  it('reads a config file and lets the environment win over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shelfcast-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ SHELFCAST_LAKE: 's3://my-bucket/lake', SHELFCAST_MODEL_NAME: 'from-file' }));
    const c = loadConfig({ SHELFCAST_CONFIG: file, SHELFCAST_MODEL_NAME: 'from-env' });
    expect(c.lake).toBe('s3://my-bucket/lake');
    expect(c.modelName).toBe('from-env');
  });

  it('rejects a config file that is not a JSON object', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shelfcast-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, '[1, 2]');
    expect(() => loadConfig({ SHELFCAST_CONFIG: file })).toThrow(/expected a JSON object/);
    expect(() => loadConfig({ SHELFCAST_CONFIG: join(dir, 'missing.json') })).toThrow(/cannot read the file/);
  });
});

describe('exitCodeFor', () => {
  it('maps bad input to 2 and everything else to 1', () => {
    expect(exitCodeFor(new ConfigError('x'))).toBe(2);
    expect(exitCodeFor(new UsageError('x'))).toBe(2);
    expect(exitCodeFor(new DataError('x', { file: 'train.csv', line: 3, column: 'date' }))).toBe(2);
    expect(exitCodeFor(new StorageError('x'))).toBe(1);
    expect(exitCodeFor(new Error('x'))).toBe(1);
  });

  it('puts the location in front of a data error message', () => {
    expect(new DataError('expected a date', { file: 'train.csv', line: 3, column: 'date' }).message).toBe(
      'train.csv, line 3, column date: expected a date',
    );
  });
});
