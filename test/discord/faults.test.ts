import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/core/store/memory.js';
import { FakeDiscordServer } from '../../src/discord/fake/index.js';
import { DiscordBridge } from '../../src/discord/index.js';
import { click, type DiscordWorld, openWorld, owner, visibleBotMessages } from './discord-harness.js';

describe('DiscordBridge under faults', () => {
  let world: DiscordWorld;
  beforeEach(async () => {
    world = await openWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  async function started(inputs: string[]) {
    const bridge = world.bridge({ handlers: { onInput: (_t, text) => void inputs.push(text) } });
    await bridge.start();
    return { bridge, thread: await bridge.createThread('Repo') };
  }

  it('a socket drop resumes: messages written meanwhile arrive once, in order', async () => {
    const { fake } = world;
    const inputs: string[] = [];
    const { thread } = await started(inputs);
    fake.dropSocket();
    fake.userSays({ channelId: thread, author: owner, content: 'one' });
    fake.userSays({ channelId: thread, author: owner, content: 'two' });
    await fake.waitFor(() => fake.resumes > 0, { what: 'a RESUME' });
    await fake.waitFor(() => inputs.length >= 2, { what: 'both inputs' });
    fake.userSays({ channelId: thread, author: owner, content: 'three' });
    await fake.waitFor(() => inputs.length >= 3);
    expect(inputs).toEqual(['one', 'two', 'three']);
    expect(fake.identifies).toBe(1);
  });

  it('INVALID_SESSION (not resumable): the bridge identifies again and fetches what was missed, once', async () => {
    const { fake } = world;
    const inputs: string[] = [];
    const { thread } = await started(inputs);
    fake.userSays({ channelId: thread, author: owner, content: 'before' });
    await fake.waitFor(() => inputs.length === 1);
    fake.invalidateSession(false);
    fake.userSays({ channelId: thread, author: owner, content: 'in the gap' });
    await fake.waitFor(() => fake.identifies === 2, { what: 'a second IDENTIFY' });
    await fake.waitFor(() => inputs.length >= 2, { what: 'the missed message' });
    fake.userSays({ channelId: thread, author: owner, content: 'after' });
    await fake.waitFor(() => inputs.length >= 3);
    expect(inputs).toEqual(['before', 'in the gap', 'after']);
  });

  it('a 429 and 5xx on posting are retried: every line shows once, in order', async () => {
    const { fake } = world;
    const { bridge, thread } = await started([]);
    fake.inject({ route: 'POST /channels/:id/messages', kind: 'ratelimit', retryAfter: 0.2 });
    fake.inject({ route: 'POST /channels/:id/messages', kind: 'status', status: 502, times: 2 });
    await bridge.sendOutput(thread, 'alpha');
    await bridge.sendStatus(thread, 'running', 'beta');
    await bridge.sendStatus(thread, 'done', 'gamma');
    const texts = visibleBotMessages(fake, thread).map((m) => m.content);
    expect(texts.join('\n')).toMatch(/alpha[\s\S]*beta[\s\S]*gamma/);
    expect(texts.filter((t) => t.includes('alpha'))).toHaveLength(1);
    expect(fake.calls.some((c) => c.status === 429)).toBe(true);
    expect(fake.calls.filter((c) => c.status === 502)).toHaveLength(2);
  });

  it('a restart mid-approval: a click on the old card resolves it exactly once', async () => {
    const { fake } = world;
    const first = world.bridge();
    await first.start();
    const thread = await first.createThread('Repo');
    // Fire-and-forget: the answer goes to onApprovalResponse, which the restarted bridge has. (An awaited
    // requestApproval has no requester after the restart: its card says the session ended, see
    // test/hardening/restored-requests.test.ts.)
    await first.sendApprovalRequest(thread, {
      requestId: 'deploy-1',
      toolName: 'Bash',
      input: { command: 'deploy' },
    });
    await fake.waitFor(() => visibleBotMessages(fake, thread).find((m) => m.components.length > 0));
    await first.stop();

    const decided: string[] = [];
    const second = world.bridge({
      handlers: {
        onApprovalResponse: (_t, requestId, approved) => void decided.push(`${requestId}:${approved}`),
      },
    });
    await second.start();
    const decisions: string[] = [];
    second.onDecision((_t, requestId, d) => decisions.push(`${requestId}:${d.behavior}`));
    const outcome = await click(fake, thread, 'Allow', owner);
    expect(outcome.kind === 'reply' && outcome.message.content).toMatch(/allowed by olivia/);
    const cardId = visibleBotMessages(fake, thread).find((m) => m.content.includes('deploy'))?.id ?? '';
    let again: string;
    try {
      const outcome2 = await fake.userClicks({
        channelId: thread,
        messageId: cardId,
        label: 'Deny',
        user: owner,
      });
      again = outcome2.kind === 'reply' ? outcome2.message.content : outcome2.kind;
    } catch (error) {
      again = (error as Error).message;
    }
    // Either the buttons are already gone (nothing to click) or the click is told it was resolved.
    expect(again).toMatch(/no button|Already resolved/);
    expect(fake.message(cardId)?.content).toMatch(/Allowed — olivia via discord/);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatch(/:allow$/);
  });

  it('refuses a bad token with a ConfigError that does not contain the token', async () => {
    const fake = new FakeDiscordServer();
    await fake.start();
    try {
      const secret = 'not-the-right-token-1234567890';
      const bridge = new DiscordBridge({ token: secret, api: fake.apiUrl, store: new MemoryStore() });
      const error = await bridge.start().then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.name).toBe('ConfigError');
      expect(error?.message).toMatch(/check DISCORD_BOT_TOKEN/);
      expect(error?.message).not.toContain(secret);
    } finally {
      await fake.stop();
    }
  });
});
