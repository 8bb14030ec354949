import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Waits for real processes are generous (60 s, test/support/waits.ts): a test may hold a few of them.
    testTimeout: 180_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
