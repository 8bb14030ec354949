/**
 * `serve` supervising the real Claude Code binary (`claude -p`, against FakeAnthropicServer) through the http
 * hooks `agent-tether hooks install` writes, shown in a FakeTelegramServer forum: the person allows from the
 * phone and the command runs; denies with a reason and the model reads it; writes a message and the model gets
 * it at the end of its turn. With serve stopped, Claude Code runs exactly as without us.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claudeBinary } from '../support/claude-binary.js';
import { say, tap } from '../telegram/telegram-world.js';
import {
  claudePrint,
  projectDir,
  type ServeWorld,
  startServeWorld,
  threadText,
  waitForCard,
  waitForSessionThread,
  waitForText,
} from './serve-world.js';

let world: ServeWorld | undefined;
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
});

function markerScript(marker: string) {
  return {
    toolCall: { name: 'Bash', input: { command: `touch ${marker}`, description: 'Create the marker file' } },
    finalText: 'All done.',
  };
}

describe.skipIf(claudeBinary() === undefined)(
  'serve + claude -p through http hooks',
  { timeout: 150_000 },
  () => {
    it('the card appears in a thread named from the prompt; Allow on the phone runs the command', async () => {
      world = await startServeWorld({});
      const home = world.home;
      const dir = projectDir(world, 'shop');
      const marker = join(home, 'shop', 'ran-by-claude');
      world.model.script = markerScript(marker);
      const run = claudePrint(world, 'Create the marker file', dir);
      const threadId = await waitForSessionThread(world);
      const card = await waitForCard(world, threadId);
      expect(card.text).toContain('Bash');
      expect(card.text).toContain('ran-by-claude');
      expect(existsSync(marker)).toBe(false);
      expect(world.tg.fake.topics(world.tg.chatId).map((t) => t.name)).toContain(
        'shop: Create the marker file',
      );
      await tap(world.tg, threadId, 'Allow');
      const { code } = await run.exited;
      expect(code).toBe(0);
      expect(existsSync(marker)).toBe(true);
      expect(world.model.toolResults().at(-1)?.is_error).toBe(false);
      // The transcript reaches the thread: the assistant's words and its final answer.
      await waitForText(world, threadId, /Let me do that[\s\S]*All done\./, 'the transcript output');
      await waitForText(world, threadId, /Status: done/, 'the final status after SessionEnd');
      expect(threadText(world, threadId)).toMatch(/Allowed — olivia via telegram/);
    });

    it('"Deny with reason" reaches the model as the tool result and the command does not run', async () => {
      world = await startServeWorld({});
      const dir = projectDir(world, 'shop');
      const marker = join(dir, 'ran-by-claude');
      world.model.script = markerScript(marker);
      const run = claudePrint(world, 'Create the marker file', dir);
      const threadId = await waitForSessionThread(world);
      await waitForCard(world, threadId);
      await tap(world.tg, threadId, 'Deny with reason');
      await waitForText(world, threadId, /reply in this thread with the reason/, 'the reason prompt');
      say(world.tg, threadId, 'not on this machine, use the sandbox');
      await run.exited;
      expect(existsSync(marker)).toBe(false);
      const result = world.model.toolResults().at(-1);
      expect(result?.is_error).toBe(true);
      expect(result?.content).toContain('not on this machine, use the sandbox');
    });

    it('a message written on the phone reaches the model at the end of the turn', async () => {
      world = await startServeWorld({});
      const dir = projectDir(world, 'shop');
      world.model.script = markerScript(join(dir, 'ran-by-claude'));
      const run = claudePrint(world, 'Create the marker file', dir);
      const threadId = await waitForSessionThread(world);
      await waitForCard(world, threadId);
      say(world.tg, threadId, 'then also update the changelog');
      await waitForText(world, threadId, /Queued/, 'the queued confirmation');
      await tap(world.tg, threadId, 'Allow');
      const { code } = await run.exited;
      expect(code).toBe(0);
      expect(world.model.userTexts().some((t) => t.includes('then also update the changelog'))).toBe(true);
      await waitForText(
        world,
        threadId,
        /Echo:[\s\S]*then also update the changelog/,
        'the reply to the message',
      );
    });

    it('two Claude Code sessions at once in one repository get two threads, each answered on its own', async () => {
      world = await startServeWorld({});
      const w = world;
      const dir = projectDir(w, 'shop');
      w.model.script = markerScript(join(dir, 'ran-by-claude'));
      const runs = [claudePrint(w, 'Fix the login bug', dir), claudePrint(w, 'Write the release notes', dir)];
      await waitForSessionThread(w, 2);
      const names = w.serve.hub
        .list()
        .map((s) => s.name)
        .sort();
      expect(names).toEqual(['shop: Fix the login bug', 'shop: Write the release notes']);
      for (const session of w.serve.hub.list()) {
        const threadId = session.threads[0]?.threadId ?? '';
        await waitForCard(w, threadId);
        await tap(w.tg, threadId, 'Allow');
      }
      for (const run of runs) expect((await run.exited).code).toBe(0);
      expect(w.model.toolResults().filter((r) => !r.is_error)).toHaveLength(2);
    });

    it('with serve stopped, claude -p runs as without us (the tool is refused, the run ends normally)', async () => {
      world = await startServeWorld({});
      const dir = projectDir(world, 'shop');
      world.model.script = markerScript(join(dir, 'ran-by-claude'));
      await world.serve.stop();
      const { code, stdout } = await claudePrint(world, 'Create the marker file', dir).exited;
      expect(code).toBe(0);
      expect(stdout).toContain('All done.');
      expect(existsSync(join(dir, 'ran-by-claude'))).toBe(false);
      expect(world.model.toolResults().at(-1)?.is_error).toBe(true);
      await world.restart();
    });
  },
);
