import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // One graphql realm: without this vitest may load it as both ESM and CJS.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['server/src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['server/src/test-support/global-setup.ts'],
    setupFiles: ['server/src/test-support/setup.ts'],
    testTimeout: 30_000,
    // Browser tests wait on a real Chromium and real sockets; on a loaded 2-core machine one of them
    // occasionally misses a 10 s wait. One retry in CI only, so a real failure still fails (twice).
    retry: process.env.CI ? 1 : 0,
    hookTimeout: 90_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
