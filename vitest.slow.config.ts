import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/** Long end-to-end sweeps, kept out of `npm test` for time: `npm run test:slow` (.ci/run runs it). */
export default defineConfig({
  test: { ...base.test, include: ['test/slow/**/*.test.ts'], exclude: ['node_modules', 'dist', 'fixtures'] },
});
