import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
    // Each file gets its own database cloned from a migrated template, so files run in parallel.
    pool: 'forks',
    env: { NODE_ENV: 'test' },
  },
});
