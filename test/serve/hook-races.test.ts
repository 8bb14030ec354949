/**
 * Terminal Claude Code sessions through hooks, where events overlap or a session ends unannounced: two tool
 * calls of one turn asking at once keep both cards (a terminal "Yes" withdraws only its own); a `/stop` sent
 * while nothing waits lapses when the turn ends instead of denying a later turn; messages still queued when the
 * session ends are reported as not delivered; a session whose Claude Code process is gone without `SessionEnd`
 * gets its final status while serve runs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { OWNER, say, tap } from '../telegram/telegram-world.js';
import {
  claudeProcess,
  hook,
  SESSION,
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

const fetchOf = (url: string) => ({ tool_name: 'WebFetch', tool_input: { url, prompt: 'Summarise' } });

/** The thread's bot messages that mention `text`. */
function messagesWith(w: ServeWorld, threadId: string, text: string) {
  return w.tg.fake
    .topicMessages(w.tg.chatId, Number(threadId))
    .filter((m) => m.fromBot && m.text.includes(text));
}

/** A card (with its buttons) naming `text`, once it is there. */
function waitForCardOf(w: ServeWorld, threadId: string, text: string) {
  return w.tg.fake.waitFor(() => messagesWith(w, threadId, text).find((m) => m.buttons.length > 0), {
    what: `the card of ${text}`,
  });
}

/** A process standing in for a terminal's Claude Code, until it is killed. */
function fakeClaude(): ChildProcess & { pid: number } {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
  child.unref(); // a failing test must not keep the worker waiting for it
  return child as ChildProcess & { pid: number };
}

describe('serve: overlapping hooks and sessions that end unannounced', { timeout: 90_000 }, () => {
  it('two tool calls asking at once keep both cards, each tap answers its own; a terminal "Yes" withdraws only its card', async () => {
    world = await startServeWorld({});
    const w = world;
    await hook(w, 'UserPromptSubmit', { prompt: 'Read both pages' });
    const threadId = await waitForSessionThread(w);
    // Claude Code runs read-only tools side by side: both PreToolUse hooks, then both permission requests.
    await hook(w, 'PreToolUse', { ...fetchOf('https://a.example/'), tool_use_id: 'toolu_a' });
    await hook(w, 'PreToolUse', { ...fetchOf('https://b.example/'), tool_use_id: 'toolu_b' });
    const first = hook(w, 'PermissionRequest', fetchOf('https://a.example/'));
    const cardA = await waitForCardOf(w, threadId, 'a.example');
    const second = hook(w, 'PermissionRequest', fetchOf('https://b.example/'));
    const cardB = await waitForCardOf(w, threadId, 'b.example');
    await hook(w, 'PreToolUse', { ...fetchOf('https://c.example/'), tool_use_id: 'toolu_c' });
    const third = hook(w, 'PermissionRequest', fetchOf('https://c.example/'));
    await waitForCardOf(w, threadId, 'c.example');
    // Nothing was withdrawn by the later requests.
    expect(messagesWith(w, threadId, 'Answered in the terminal')).toHaveLength(0);
    await w.tg.fake.userTaps({ message: cardA.messageId, button: 'Allow', from: OWNER, chatId: w.tg.chatId });
    expect((await first).body).toMatchObject({ hookSpecificOutput: { decision: { behavior: 'allow' } } });
    // The terminal answers b with "Yes": the tool runs and its PostToolUse comes; only b's card is withdrawn.
    await hook(w, 'PostToolUse', { ...fetchOf('https://b.example/'), tool_use_id: 'toolu_b' });
    expect((await second).body).toEqual({});
    await w.tg.fake.waitFor(
      () => {
        const now = messagesWith(w, threadId, 'b.example').find((m) => m.messageId === cardB.messageId);
        return now?.buttons.length === 0 && now.text.includes('Answered in the terminal');
      },
      { what: "b's card withdrawn" },
    );
    expect(messagesWith(w, threadId, 'c.example').some((m) => m.buttons.length > 0)).toBe(true);
    await tap(w.tg, threadId, 'Deny');
    expect((await third).body).toMatchObject({ hookSpecificOutput: { decision: { behavior: 'deny' } } });
  });

  it('a /stop sent while nothing waits lapses when the turn ends: the next turn is asked as usual', async () => {
    world = await startServeWorld({});
    const w = world;
    await hook(w, 'UserPromptSubmit', { prompt: 'Tidy the docs' });
    const threadId = await waitForSessionThread(w);
    say(w.tg, threadId, '/stop');
    await waitForText(w, threadId, /next permission request will be denied/, 'the stop confirmation');
    // The turn ends without asking anything: the stop is done with.
    expect((await hook(w, 'Stop', { stop_hook_active: false })).body).toEqual({});
    await waitForText(w, threadId, /turn ended before it asked for anything/, 'the stop lapsing');
    // Later, a prompt typed in the terminal: its permission request is a card, not a deny.
    await hook(w, 'UserPromptSubmit', { prompt: 'Now deploy' });
    const next = hook(w, 'PermissionRequest', { tool_name: 'Bash', tool_input: { command: './deploy.sh' } });
    await waitForCard(w, threadId);
    await tap(w.tg, threadId, 'Allow');
    expect((await next).body).toMatchObject({ hookSpecificOutput: { decision: { behavior: 'allow' } } });
  });

  it('a /stop whose turn was interrupted in the terminal (no Stop hook) lapses at the next prompt', async () => {
    world = await startServeWorld({});
    const w = world;
    await hook(w, 'UserPromptSubmit', { prompt: 'Tidy the docs' });
    const threadId = await waitForSessionThread(w);
    say(w.tg, threadId, '/stop');
    await waitForText(w, threadId, /next permission request will be denied/, 'the stop confirmation');
    await hook(w, 'UserPromptSubmit', { prompt: 'Now deploy' });
    await waitForText(w, threadId, /Your \/stop lapsed/, 'the stop lapsing');
    const next = hook(w, 'PermissionRequest', { tool_name: 'Bash', tool_input: { command: './deploy.sh' } });
    await waitForCard(w, threadId);
    await tap(w.tg, threadId, 'Deny');
    expect((await next).body).toMatchObject({ hookSpecificOutput: { decision: { behavior: 'deny' } } });
    expect((await next).body).not.toMatchObject({ hookSpecificOutput: { decision: { interrupt: true } } });
  });

  it('messages still queued when the session ends are reported as not delivered', async () => {
    world = await startServeWorld({});
    const w = world;
    await hook(w, 'UserPromptSubmit', { prompt: 'Refactor the cart' });
    const threadId = await waitForSessionThread(w);
    say(w.tg, threadId, 'also rename the module');
    await waitForText(w, threadId, /Queued/, 'the queued notice');
    await hook(w, 'SessionEnd', { reason: 'prompt_input_exit' });
    await waitForText(w, threadId, /1 message you wrote did not reach Claude/, 'the undelivered notice');
    await waitForText(w, threadId, /Status: /, 'the final status');
  });

  it('a session whose Claude Code process is gone without SessionEnd gets its final status while serve runs', async () => {
    world = await startServeWorld({}, { serve: { hookLivenessMs: 200 } });
    const w = world;
    const running = 'a1b2c3d4-0000-4000-8000-000000000001';
    const elsewhere = 'a1b2c3d4-0000-4000-8000-000000000002';
    claudeProcess(w, process.pid, running);
    const terminal = fakeClaude();
    claudeProcess(w, terminal.pid, SESSION);
    await hook(w, 'UserPromptSubmit', { prompt: 'Fix the login bug' });
    await hook(w, 'UserPromptSubmit', { prompt: 'Write the release notes', session_id: running });
    // A session of a Claude Code with another config directory: never named in this one, so never judged gone.
    await hook(w, 'UserPromptSubmit', { prompt: 'Elsewhere', session_id: elsewhere });
    await waitForSessionThread(w, 3);
    const goneThread =
      w.serve.hub
        .list()
        .find((s) => s.id === SESSION)
        ?.threads.find((t) => t.platform === 'telegram')?.threadId ?? '';
    // The first session's terminal is closed: its process ends without SessionEnd (its record stays behind).
    terminal.kill('SIGKILL');
    await once(terminal, 'exit');
    await waitForText(w, goneThread, /Claude Code is no longer running/, 'why it ended');
    await w.tg.fake.waitFor(() => !w.serve.hub.list().some((s) => s.id === SESSION), {
      what: 'the gone session off the list',
    });
    // Several more looks at Claude Code's sessions/ (every 200 ms here): the other two are not judged gone.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(
      w.serve.hub
        .list()
        .map((s) => s.id)
        .sort(),
    ).toEqual([running, elsewhere]);
    expect(w.serve.hooks.openRequests).toBe(0);
  });
});
