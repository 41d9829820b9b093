import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // test/slow: long sweeps run by `npm run test:slow` (vitest.slow.config.ts) after `npm test` in .ci/run.
    exclude: ['node_modules', 'dist', 'fixtures', 'test/slow/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most tests wait on child processes (runners, git, bwrap), so two workers use both cores well.
    maxWorkers: 2,
  },
});
