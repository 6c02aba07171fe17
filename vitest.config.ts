import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // test/unit and test/property need nothing but Node (`npm run test:unit`); test/integration runs the local
    // stack, Python's moto included (`npm run test:integration`); `npm test` runs both in one run.
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 240_000,
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.vitest-results.json' },
    // What a test prints (its console, and the handlers' log and EMF lines: test/support/log-capture.ts) is shown
    // only when the test, its suite or its file fails.
    silent: 'passed-only',
    // Every worker's output is copied and, after the run, scanned for secrets (test/support/security); the copy is
    // set up first so that log-capture.ts routes the handlers' lines through it.
    setupFiles: ['test/support/security/output-capture.ts', 'test/support/log-capture.ts'],
    globalSetup: ['test/support/security/output-scan.ts'],
  },
});
