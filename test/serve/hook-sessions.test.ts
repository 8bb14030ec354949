import { afterEach, describe, expect, it } from 'vitest';
import { tap } from '../telegram/telegram-world.js';
import {
  bash,
  claudeProcess,
  hook,
  type ServeWorld,
  startServeWorld,
  waitForCard,
  waitForSessionThread,
  waitForText,
} from './serve-world.js';

let world: ServeWorld | undefined;
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
});

/** Cards (bot messages with buttons) of a thread. */
function cards(w: ServeWorld, threadId: string) {
  return w.tg.fake
    .topicMessages(w.tg.chatId, Number(threadId))
    .filter((m) => m.fromBot && m.buttons.length > 0);
}

/** Tap "Allow all" on the card of a first request, so a timer runs for the session's thread. */
async function allowAll(w: ServeWorld, threadId: string): Promise<void> {
  const first = hook(w, 'PermissionRequest', bash('ls'));
  const card = await waitForCard(w, threadId);
  await tap(w.tg, threadId, card.buttons.flat().find((l) => l.startsWith('Allow all')) ?? 'Allow all');
  expect((await first).body).toMatchObject({ hookSpecificOutput: { decision: { behavior: 'allow' } } });
}

describe('serve: terminal sessions through hooks', { timeout: 60_000 }, () => {
  it('an "Allow all" timer started from a hook session still answers at once after serve restarts', async () => {
    world = await startServeWorld({});
    const w = world;
    await hook(w, 'UserPromptSubmit', { prompt: 'Run the checks' });
    const threadId = await waitForSessionThread(w);
    await allowAll(w, threadId);
    claudeProcess(w, process.pid, '3f2a9c1e-0b7d-4e55-9a0c-1d2e3f4a5b6c');
    await w.serve.stop();
    await w.restart();
    const before = cards(w, threadId).length;
    const next = await hook(w, 'PermissionRequest', bash('npm test'));
    expect(next.body).toEqual({
      hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } },
    });
    expect(cards(w, threadId)).toHaveLength(before);
  });

  it('a never-auto-approve tool is still asked under a running "Allow all"; a deny reaches Claude', async () => {
    world = await startServeWorld({});
    const w = world;
    await hook(w, 'UserPromptSubmit', { prompt: 'Plan the migration' });
    const threadId = await waitForSessionThread(w);
    await allowAll(w, threadId);
    const task = hook(w, 'PermissionRequest', {
      tool_name: 'Task',
      tool_input: { description: 'Explore', prompt: 'Read every file' },
    });
    const card = await waitForCard(w, threadId, 'Deny');
    expect(card.text).toMatch(/Task/);
    await tap(w.tg, threadId, 'Deny');
    expect((await task).body).toMatchObject({ hookSpecificOutput: { decision: { behavior: 'deny' } } });
  });

  it("Claude Code's notifications show in the thread", async () => {
    world = await startServeWorld({});
    const w = world;
    await hook(w, 'UserPromptSubmit', { prompt: 'Tidy the styles' });
    const threadId = await waitForSessionThread(w);
    const answer = await hook(w, 'Notification', {
      message: 'Claude is waiting for your input',
      notification_type: 'idle_prompt',
    });
    expect(answer.body).toEqual({});
    await waitForText(w, threadId, /🔔 Claude is waiting for your input/, 'the notification');
  });

  it('AskUserQuestion is a choice card; the pick reaches Claude as updatedInput.answers', async () => {
    world = await startServeWorld({});
    const w = world;
    await hook(w, 'UserPromptSubmit', { prompt: 'Set up the database' });
    const threadId = await waitForSessionThread(w);
    const questions = [
      {
        question: 'Which database should the shop use?',
        header: 'Database',
        options: [
          { label: 'Postgres', description: 'A server' },
          { label: 'SQLite', description: 'A file' },
        ],
        multiSelect: false,
      },
    ];
    const asked = hook(w, 'PermissionRequest', { tool_name: 'AskUserQuestion', tool_input: { questions } });
    const card = await waitForCard(w, threadId, '2. SQLite');
    expect(card.text).toMatch(/Which database should the shop use\?/);
    expect(card.buttons.flat()).toEqual(['1. Postgres', '2. SQLite']);
    await tap(w.tg, threadId, '2. SQLite');
    expect((await asked).body).toEqual({
      hookSpecificOutput: {
        hookEventName: 'PermissionRequest',
        decision: {
          behavior: 'allow',
          updatedInput: { questions, answers: { 'Which database should the shop use?': 'SQLite' } },
        },
      },
    });
  });

  it('after a restart, a session whose Claude Code process is gone gets its final status; a running one stays', async () => {
    world = await startServeWorld({});
    const w = world;
    const running = 'a1b2c3d4-0000-4000-8000-000000000001';
    await hook(w, 'UserPromptSubmit', { prompt: 'Fix the login bug' });
    await hook(w, 'UserPromptSubmit', { prompt: 'Write the release notes', session_id: running });
    await waitForSessionThread(w, 2);
    const gone = w.serve.hub.list().find((s) => s.id !== running);
    const goneThread = gone?.threads.find((t) => t.platform === 'telegram')?.threadId ?? '';
    await w.serve.stop();
    // The first session's terminal was closed while serve was down; the second still runs (this process).
    claudeProcess(w, 2 ** 22 + 12_345, gone?.id ?? '');
    claudeProcess(w, process.pid, running);
    await w.restart();
    await waitForText(w, goneThread, /Claude Code is no longer running/, 'why it ended');
    await waitForText(w, goneThread, /Status: /, 'the final status');
    await w.tg.fake.waitFor(() => w.serve.hub.list().length === 1, { what: 'the gone session off the list' });
    expect(w.serve.hub.list().map((s) => s.id)).toEqual([running]);
  });
});
