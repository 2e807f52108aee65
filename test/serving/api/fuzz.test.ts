/**
 * OpenAPI-driven fuzzing of the forecast API: schemathesis (from the pinned test tools, requirements-tools.txt)
 * reads /openapi.json from a real server on a loopback port and sends generated valid and invalid requests to
 * every operation. No request may get a 5xx, and every documented response must match its schema.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../core/python-env.js';
import type { RunningServer } from '../../../serving/api/start-server.js';
import { startTinyServer, trainTinyRun } from '../../support/serving-fixture.js';
import { tempDirs } from '../../support/temp-dirs.js';
import { tinyLake, type TinyLake } from '../../support/tiny-lake.js';

const run = promisify(execFile);
const TOKEN = 'fuzz-test-admin-token-0123';
const dirs = tempDirs();
let tiny: TinyLake;
let server: RunningServer;

beforeAll(async () => {
  tiny = await tinyLake(dirs, 'fuzz', 23);
  await trainTinyRun(tiny, tiny.runsDir, 'fuzz-run', 10);
  server = await startTinyServer(tiny, dirs, { runsDir: tiny.runsDir, adminToken: TOKEN });
  await server.ready;
});
afterAll(async () => {
  await server?.close();
  tiny?.lake.close();
  await dirs.cleanup();
});

describe('schemathesis against /openapi.json', () => {
  it('finds no server error and no response that breaks the schema in any operation', async () => {
    const schemathesis = join(projectRoot(), '.venv-tools', 'bin', 'schemathesis');
    if (!existsSync(schemathesis)) throw new Error(`${schemathesis} is missing: run \`bash scripts/setup.sh --test\``);
    const argv = [
      'run',
      `${server.url}/openapi.json`,
      '--checks',
      'not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance',
      '--max-examples',
      '40',
      '--seed',
      '20170816',
      '--workers',
      '1',
      '--request-timeout',
      '10',
      // A forced reload rebuilds the snapshot; fuzzing it would spend the budget on reloads. Its contract
      // (401/403/200) is covered by the contract tests.
      '--exclude-path',
      '/admin/reload',
      '--no-color',
      '--generation-database',
      ':memory:',
    ];
    // schemathesis keeps a cache in its working directory: a scratch one keeps it out of the tree.
    const cwd = await dirs.make('schemathesis');
    const result = await run(schemathesis, argv, { cwd, maxBuffer: 32 << 20, timeout: 240_000 }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (err: { code?: number; stdout?: string; stderr?: string }) => ({ code: err.code ?? 1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` }),
    );
    // The summary names the operations it tested; an empty run would pass vacuously.
    expect(result.out).toMatch(/\/v1\/forecast/);
    expect(result.out, result.out.slice(-4000)).not.toMatch(/FAILURES|Server error|failed/i);
    expect(result.code, result.out.slice(-4000)).toBe(0);
  }, 300_000);
});
