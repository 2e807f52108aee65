import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Suites start real servers and DuckDB instances; two cores do best with a couple of workers.
    maxWorkers: 2,
    pool: 'forks',
  },
});
