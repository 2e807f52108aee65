/**
 * The Dockerfile, linted statically by hadolint and checkov (both from PyPI), plus what its targets promise:
 * the API image without Python, non-root users, a health check on the API. A deliberately bad Dockerfile shows
 * that the linters run and report.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../core/python-env.js';
import { tempDirs } from './support/temp-dirs.js';

const run = promisify(execFile);
const dirs = tempDirs();
afterAll(() => dirs.cleanup());
const DOCKERFILE = join(projectRoot(), 'Dockerfile');

/** A linter from the project's pinned tool environment (requirements-tools.txt); a message naming the fix otherwise. */
function linter(name: string): string {
  const path = join(projectRoot(), '.venv-tools', 'bin', name);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`bash scripts/setup.sh --test\` to create .venv-tools`);
  return path;
}

async function hadolint(file: string): Promise<{ code: string; level: string; line: number }[]> {
  // hadolint exits 1 when it finds something; the findings are in its output either way.
  const out = await run(linter('hadolint'), ['--format', 'json', file]).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  return JSON.parse(out.stdout) as { code: string; level: string; line: number }[];
}

async function checkov(file: string): Promise<{ failed: string[]; passed: number }> {
  // --skip-download and BC_SKIP_MAPPING keep checkov off the network: only its bundled checks run.
  const out = await run(linter('checkov'), ['-f', file, '--framework', 'dockerfile', '--skip-download', '--output', 'json', '--quiet'], {
    env: { ...process.env, BC_SKIP_MAPPING: 'TRUE' },
    maxBuffer: 16 << 20,
  }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  const report = JSON.parse(out.stdout) as { results: { failed_checks: { check_id: string }[] }; summary: { passed: number } };
  return { failed: report.results.failed_checks.map((c) => c.check_id).sort(), passed: report.summary.passed };
}

/** The instructions of one build stage, `FROM … AS name` up to the next FROM. */
function stage(text: string, name: string): string {
  const start = text.search(new RegExp(`^FROM \\S+ AS ${name}$`, 'm'));
  if (start < 0) throw new Error(`no stage ${name}`);
  const next = text.slice(start + 1).search(/^FROM /m);
  return next < 0 ? text.slice(start) : text.slice(start, start + 1 + next);
}

describe('Dockerfile', () => {
  it('passes hadolint and checkov with no finding', async () => {
    expect(await hadolint(DOCKERFILE)).toEqual([]);
    const result = await checkov(DOCKERFILE);
    expect(result.failed).toEqual([]);
    expect(result.passed).toBeGreaterThan(20);
  });

  it('builds a Python-free API image and a worker with the .venv, both non-root', async () => {
    const text = await readFile(DOCKERFILE, 'utf8');
    const api = stage(text, 'api');
    expect(api).not.toMatch(/python|\.venv/i);
    expect(api).toMatch(/^COPY --from=deps \/app\/node_modules/m);
    expect(stage(text, 'deps')).toMatch(/npm install .*--omit=dev/);
    expect(api).toMatch(/^HEALTHCHECK (.*\\\n)*.*CMD .*http:\/\/127\.0\.0\.1:8080\/healthz/m);
    expect(api).toMatch(/^USER 1000:1000$/m);
    expect(api).toMatch(/^CMD \["serve", "--host", "0\.0\.0\.0", "--port", "8080"\]$/m);
    const worker = stage(text, 'worker');
    expect(worker).toMatch(/^COPY --from=venv \/app\/\.venv \.\/\.venv$/m);
    expect(worker).toMatch(/libgomp1/);
    expect(worker).toMatch(/^USER 1000:1000$/m);
    expect(stage(text, 'venv')).toMatch(/pip install --no-cache-dir --no-deps -r requirements\.txt/);
  });

  it('the linters report a Dockerfile that breaks their rules', async () => {
    const bad = join(await dirs.make('dockerfile'), 'Dockerfile');
    await writeFile(bad, 'FROM node:latest\nRUN apt-get update && apt-get install -y curl\nADD . /app\nCMD node /app/index.js\n');
    const codes = (await hadolint(bad)).map((f) => f.code);
    expect(codes).toEqual(expect.arrayContaining(['DL3007', 'DL3008', 'DL3009', 'DL3015', 'DL3020', 'DL3025']));
    expect((await checkov(bad)).failed).toEqual(expect.arrayContaining(['CKV_DOCKER_2', 'CKV_DOCKER_3', 'CKV_DOCKER_7']));
  });
});
