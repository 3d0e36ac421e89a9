import { defineConfig } from 'vitest/config';

// One runner for all packages. In CI a JSON report is also written so `.ci/run` can print the real totals.
const reportFile = process.env.LIFELINE_TEST_REPORT;

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: reportFile ? ['default', ['json', { outputFile: reportFile }]] : ['default'],
  },
});
