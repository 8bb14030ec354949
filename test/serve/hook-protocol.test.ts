/**
 * The control endpoint as Claude Code's http hooks see it, driven with the hook bodies Claude Code sends
 * (verified against 2.1.330; see the reference): the secret is required, bodies are bounded, a restart keeps
 * the session's thread and does not re-send transcript lines, an auto-approved request is answered without a
 * card, two sessions get two threads, `/stop` denies the next request with an interrupt, and SessionEnd gives
 * the final status.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { say, tap } from '../telegram/telegram-world.js';
import {
  assistantLine,
  bash,
  hook,
  type ServeWorld,
  startServeWorld,
  threadText,
  transcriptOf,
  waitForCard,
  waitForSessionThread,
  waitForText,
} from './serve-world.js';

let world: ServeWorld | undefined;
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
});

describe('serve: the hook protocol', { timeout: 60_000 }, () => {
  it('refuses requests without the secret or with a huge body, without blocking Claude Code (non-2xx)', async () => {
    world = await startServeWorld({});
    expect((await hook(world, 'UserPromptSubmit', { prompt: 'hi' }, 'wrong')).status).toBe(401);
    expect((await hook(world, 'UserPromptSubmit', { prompt: 'hi' }, '')).status).toBe(401);
    const big = await hook(world, 'UserPromptSubmit', { prompt: 'x'.repeat(5 * 1024 * 1024) });
    expect(big.status).toBe(413);
    expect(world.serve.hub.list()).toHaveLength(0);
  });

  it('a restart keeps the thread and sends only the transcript lines written since', async () => {
    world = await startServeWorld({});
    const w = world;
    writeFileSync(transcriptOf(w), assistantLine('old history before we were watching'));
    await hook(w, 'UserPromptSubmit', { prompt: 'Refactor the cart' });
    const threadId = await waitForSessionThread(w);
    appendFileSync(transcriptOf(w), assistantLine('First answer.'));
    await hook(w, 'Stop', { stop_hook_active: false });
    await waitForText(w, threadId, /First answer\./, 'the first answer');
    await w.serve.stop();
    appendFileSync(transcriptOf(w), assistantLine('Written while serve was down.'));
    await w.restart();
    await hook(w, 'UserPromptSubmit', { prompt: 'And now the tests' });
    appendFileSync(transcriptOf(w), assistantLine('Second answer.'));
    await hook(w, 'Stop', { stop_hook_active: false });
    await waitForText(w, threadId, /Second answer\./, 'the second answer in the same thread');
    const text = threadText(w, threadId);
    expect(text.match(/First answer\./g)).toHaveLength(1);
    expect(text).toContain('Written while serve was down.');
    expect(text).not.toContain('old history');
    expect(w.tg.fake.topics(w.tg.chatId)).toHaveLength(1);
  });

  it('"Allow all" starts a timer: the next request is answered at once, without a card', async () => {
    world = await startServeWorld({});
    const w = world;
    await hook(w, 'UserPromptSubmit', { prompt: 'Run things' });
    const threadId = await waitForSessionThread(w);
    const first = hook(w, 'PermissionRequest', bash('ls'));
    const card = await waitForCard(w, threadId);
    const allowAll = card.buttons.flat().find((label) => label.startsWith('Allow all')) ?? 'Allow all';
    await tap(w.tg, threadId, allowAll);
    expect((await first).body).toEqual({
      hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } },
    });
    const cards = () =>
      w.tg.fake.topicMessages(w.tg.chatId, Number(threadId)).filter((m) => m.buttons.length > 0);
    const before = cards().length;
    const second = await hook(w, 'PermissionRequest', bash('pwd'));
    expect(second.body).toMatchObject({ hookSpecificOutput: { decision: { behavior: 'allow' } } });
    expect(cards().length).toBe(before);
  });

  it('two sessions in one directory get two threads, named from their prompts', async () => {
    world = await startServeWorld({});
    const w = world;
    await hook(w, 'UserPromptSubmit', { prompt: 'Fix the login bug' });
    await hook(w, 'UserPromptSubmit', {
      prompt: 'Write the release notes',
      session_id: 'a1b2c3d4-0000-4000-8000-000000000001',
    });
    await waitForSessionThread(w, 2);
    expect(
      w.tg.fake
        .topics(w.tg.chatId)
        .map((t) => t.name)
        .sort(),
    ).toEqual(['shop: Fix the login bug', 'shop: Write the release notes']);
  });

  it('/stop denies the next permission request with an interrupt; SessionEnd gives the final status', async () => {
    world = await startServeWorld({});
    const w = world;
    await hook(w, 'UserPromptSubmit', { prompt: 'Deploy' });
    const threadId = await waitForSessionThread(w);
    say(w.tg, threadId, '/stop');
    await waitForText(w, threadId, /next permission request will be denied/, 'the stop confirmation');
    const denied = await hook(w, 'PermissionRequest', bash('./deploy.sh'));
    expect(denied.body).toMatchObject({
      hookSpecificOutput: { decision: { behavior: 'deny', interrupt: true } },
    });
    say(w.tg, threadId, '/status');
    await waitForText(w, threadId, /Claude Code \(terminal\)/, 'the status');
    await hook(w, 'SessionEnd', { reason: 'prompt_input_exit' });
    await waitForText(w, threadId, /Status: done/, 'the final status');
    await w.tg.fake.waitFor(() => w.serve.hub.list().length === 0, {
      what: 'the session gone from the list',
    });
  });
});
