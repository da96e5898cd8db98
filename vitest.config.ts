import { defineConfig } from 'vitest/config';

/** `SABA_TEST_SUMMARY` (set by .ci/run) also writes a JSON report there, for CI's closing line. */
const summary = process.env.SABA_TEST_SUMMARY;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: summary ? ['default', ['json', { outputFile: summary }]] : ['default'],
  },
});
