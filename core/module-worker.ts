import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread running the module `name` next to the calling module (`importerUrl`, its
 * `import.meta.url`): the compiled `.js` beside a compiled caller, the `.ts` source beside a source caller
 * (tests, `tsx`). A source worker first registers tsx's loader, which worker threads do not inherit.
 *
 * @example const worker = startModuleWorker(import.meta.url, 'snapshot-worker', job)
 */
export function startModuleWorker(importerUrl: string, name: string, workerData?: unknown): Worker {
  const fromSources = importerUrl.endsWith('.ts');
  const entry = new URL(`./${name}${fromSources ? '.ts' : '.js'}`, importerUrl);
  if (!fromSources) return new Worker(entry, { workerData });
  const tsxApi = pathToFileURL(tsxEsmApiPath()).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** tsx's ES-module API (its `import` export; `require.resolve` would give the CommonJS one). */
function tsxEsmApiPath(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('tsx/package.json');
  const exports = (require(manifest) as { exports: Record<string, { import: { default: string } }> }).exports;
  return join(dirname(manifest), exports['./esm/api'].import.default);
}
