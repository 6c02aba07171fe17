import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 240_000,
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.vitest-results.json' },
    // Every worker's output is copied and, after the run, scanned for secrets (test/support/security).
    setupFiles: ['test/support/security/output-capture.ts'],
    globalSetup: ['test/support/security/output-scan.ts'],
  },
});
