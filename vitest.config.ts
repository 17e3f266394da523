import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
    // Each file gets its own database cloned from a migrated template, so files run in parallel.
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: a single worker on a 2-core machine.
    // Most files wait on PostgreSQL or Chromium rather than compute, so twice the cores keeps
    // both busy (`--maxWorkers=N` overrides it for one run).
    maxWorkers: Math.max(2, 2 * availableParallelism()),
    env: { NODE_ENV: 'test' },
  },
});
