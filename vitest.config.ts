import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The slowest files (real processes, an npm install, Chromium), slowest first as measured: they start first,
 * so none of them is left running alone at the end while the other workers are idle. Unlisted files follow in
 * Vitest's own order (its cached durations, else largest first).
 */
const SLOWEST_FIRST = [
  'test/cli/serve.test.ts',
  'test/package/tarball.test.ts',
  'test/cli/serve-redis.test.ts',
  'test/redis/redis-store.test.ts',
  'test/serve/claude-hooks-print.test.ts',
  'test/e2e/acp-telegram.test.ts',
  'test/cli/usage.test.ts',
  'test/cli/first-minutes.test.ts',
  'test/cli/run-agents.test.ts',
  'test/serve/claude-hooks-terminal.test.ts',
  'test/cli/doctor.test.ts',
  'test/runner-contract/claude.test.ts',
  'test/e2e/claude-telegram.test.ts',
  'test/cli/doctor-slack-discord.test.ts',
  'test/e2e/codex-telegram.test.ts',
  'src/format/hostile-input.test.ts',
  'test/browser/demo-in-chromium.test.ts',
];

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const index = SLOWEST_FIRST.indexOf(relative(spec.project.config.root, spec.moduleId));
      return index === -1 ? SLOWEST_FIRST.length : index;
    };
    return sorted
      .map((spec, order) => ({ spec, order, rank: rank(spec) }))
      .sort((a, b) => a.rank - b.rank || a.order - b.order)
      .map(({ spec }) => spec);
  }
}

const SRC = fileURLToPath(new URL('./src/', import.meta.url));

export default defineConfig({
  // The examples import the package by name (as the README shows); tests run them against the sources, as
  // tsconfig.json's `paths` typecheck them (test/package/tarball.test.ts runs them against the packed package).
  resolve: {
    alias: [
      { find: /^agent-tether$/, replacement: `${SRC}index.ts` },
      { find: /^agent-tether\/([a-z]+)$/, replacement: `${SRC}$1/index.ts` },
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Waits for real processes are generous (60 s, test/support/waits.ts): a test may hold a few of them.
    testTimeout: 180_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default on 2 cores is one worker, yet most files wait on sockets, timers and child processes.
    // Two, not more: with 3 on a loaded 2-core machine, tests of fake rate-limit windows (Telegram's 429 storm,
    // Discord's bucket) missed their windows.
    maxWorkers: 2,
    sequence: { sequencer: SlowestFirst },
  },
});
