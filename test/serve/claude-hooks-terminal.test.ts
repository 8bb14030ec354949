/**
 * `serve` and an interactive Claude Code in a real terminal (tmux), against FakeAnthropicServer: the approval
 * card appears on the phone while the terminal shows its own dialog, and whoever answers first wins — the
 * phone's Allow dismisses the terminal dialog; a terminal "Yes" or "No" withdraws the card ("Answered in the
 * terminal", no buttons left).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claudeBinary } from '../support/claude-binary.js';
import { hasTmux, TmuxTerminal } from '../support/tmux.js';
import { tap } from '../telegram/telegram-world.js';
import {
  CLAUDE_WAIT_MS,
  projectDir,
  type ServeWorld,
  startServeWorld,
  waitForCard,
  waitForSessionThread,
} from './serve-world.js';

let world: ServeWorld | undefined;
let terminal: TmuxTerminal | undefined;
afterEach(async () => {
  terminal?.kill();
  terminal = undefined;
  await world?.cleanup();
  world = undefined;
});

const DIALOG = /Do you want to proceed\?/;

/** Claude Code in a terminal, past its start-up prompts, asked to create a marker file. */
async function claudeInTerminal(
  w: ServeWorld,
): Promise<{ marker: string; threadId: string; term: TmuxTerminal }> {
  const dir = projectDir(w, 'shop');
  const marker = join(dir, 'ran-by-claude');
  w.model.script = {
    toolCall: { name: 'Bash', input: { command: `touch ${marker}`, description: 'Create the marker file' } },
    finalText: 'All done.',
  };
  const key = w.env.ANTHROPIC_API_KEY ?? '';
  writeFileSync(
    join(w.home, '.claude.json'),
    JSON.stringify({
      hasCompletedOnboarding: true,
      customApiKeyResponses: { approved: [key.slice(-20)], rejected: [] },
      projects: { [dir]: { hasTrustDialogAccepted: true } },
    }),
  );
  const term = new TmuxTerminal([claudeBinary() ?? 'claude', '--permission-mode', 'default'], dir, w.env);
  terminal = term;
  await term.waitForScreen(/❯/);
  term.type('Create the marker file');
  await new Promise((resolve) => setTimeout(resolve, 300));
  term.press('Enter');
  const threadId = await waitForSessionThread(w);
  return { marker, threadId, term };
}

function cardOf(w: ServeWorld, threadId: string) {
  return w.tg.fake
    .topicMessages(w.tg.chatId, Number(threadId))
    .find((m) => m.fromBot && m.text.includes('Permission request: Bash'));
}

describe.skipIf(claudeBinary() === undefined || !hasTmux())(
  'serve + interactive Claude Code in a terminal',
  { timeout: 150_000 },
  () => {
    it('the card appears while the terminal shows its dialog; Allow on the phone dismisses the dialog', async () => {
      world = await startServeWorld({});
      const { marker, threadId, term } = await claudeInTerminal(world);
      await waitForCard(world, threadId);
      await term.waitForScreen(DIALOG);
      expect(existsSync(marker)).toBe(false);
      await tap(world.tg, threadId, 'Allow');
      await term.waitForScreen(/All done\./);
      expect(term.screen()).not.toMatch(DIALOG);
      expect(existsSync(marker)).toBe(true);
      expect(cardOf(world, threadId)?.text).toMatch(/Allowed — olivia via telegram/);
    });

    it('"Yes" in the terminal withdraws the card: "Answered in the terminal", no buttons', async () => {
      world = await startServeWorld({});
      const { marker, threadId, term } = await claudeInTerminal(world);
      await waitForCard(world, threadId);
      await term.waitForScreen(DIALOG);
      await term.answer(DIALOG, 'Enter');
      await term.waitForScreen(/All done\./);
      expect(existsSync(marker)).toBe(true);
      const w = world;
      const card = await w.tg.fake.waitFor(
        () => {
          const c = cardOf(w, threadId);
          return c?.text.includes('Answered in the terminal') ? c : undefined;
        },
        { what: 'the withdrawn card', timeoutMs: CLAUDE_WAIT_MS },
      );
      expect(card.buttons).toEqual([]);
    });

    it('"No" in the terminal closes the hook request: the card is withdrawn and the command does not run', async () => {
      world = await startServeWorld({});
      const { marker, threadId, term } = await claudeInTerminal(world);
      await waitForCard(world, threadId);
      await term.waitForScreen(DIALOG);
      await term.answer(DIALOG, 'Escape');
      const w = world;
      const card = await w.tg.fake.waitFor(
        () => {
          const c = cardOf(w, threadId);
          return c?.text.includes('Answered in the terminal') ? c : undefined;
        },
        { what: 'the withdrawn card', timeoutMs: CLAUDE_WAIT_MS },
      );
      expect(card.buttons).toEqual([]);
      expect(existsSync(marker)).toBe(false);
    });
  },
);
