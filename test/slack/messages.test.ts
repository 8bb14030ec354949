import { afterEach, describe, expect, it } from 'vitest';
import type { Handlers } from '../../src/core/types.js';
import type { SlackBridge } from '../../src/slack/index.js';
import { SlackFixture } from './slack-fixture.js';

const ALICE = 'U0ALICE';

let fixture: SlackFixture;

afterEach(async () => {
  await fixture?.stop();
});

interface Seen {
  inputs: { threadId: string; text: string; user: string }[];
  stops: string[];
}

async function setup(handlers: Handlers = {}): Promise<{ bridge: SlackBridge; thread: string; seen: Seen }> {
  fixture = await new SlackFixture().start();
  fixture.fake.addUser({ id: ALICE, name: 'alice' });
  const seen: Seen = { inputs: [], stops: [] };
  const bridge = await fixture.started({
    allowedUserIds: [ALICE],
    handlers: {
      onInput: (threadId, text, user) => {
        seen.inputs.push({ threadId, text, user: user.name });
      },
      onStatusRequest: () => 'Agents: 1 running',
      onStopRequest: (threadId) => {
        seen.stops.push(threadId);
        return 'Stopping the agent.';
      },
      onUsageRequest: () => 'Tokens today: 1234',
      ...handlers,
    },
    commands: {
      deploy: { description: 'Deploy the branch', handler: ({ args }) => `Deploying ${args || 'main'}` },
    },
  });
  const thread = await bridge.createThread('Repo');
  return { bridge, thread, seen };
}

describe('SlackBridge messages', () => {
  it('forwards a reply in the thread as input, decoded, with the person’s name', async () => {
    const { bridge, thread, seen } = await setup();
    await fixture.says(bridge, ALICE, 'make a &lt;div&gt; &amp; style it', thread);
    expect(seen.inputs).toEqual([{ threadId: thread, text: 'make a <div> & style it', user: 'alice' }]);
  });

  it('ignores its own echoed posts, top-level chatter and replies in threads it does not know', async () => {
    const { bridge, thread, seen } = await setup();
    await bridge.sendOutput(thread, 'I am the agent');
    await fixture.handled(bridge, undefined);
    fixture.fake.userPosts({ channel: fixture.channel, user: ALICE, text: 'morning all' });
    const other = fixture.fake.userPosts({
      channel: fixture.channel,
      user: ALICE,
      text: 'a thread of people',
    });
    await fixture.says(bridge, ALICE, 'just chatting', other);
    expect(seen.inputs).toEqual([]);
    expect(fixture.fake.envelopes().every((e) => e.state === 'acked')).toBe(true);
  });

  it('answers !status, !usage and !help in a thread and !stop stops that thread', async () => {
    const { bridge, thread, seen } = await setup();
    await fixture.says(bridge, ALICE, '!status', thread);
    await fixture.says(bridge, ALICE, '!usage', thread);
    await fixture.says(bridge, ALICE, '!stop', thread);
    await fixture.says(bridge, ALICE, '!help', thread);
    const texts = fixture.texts(thread);
    expect(texts).toContain('Agents: 1 running');
    expect(texts).toContain('Tokens today: 1234');
    expect(texts).toContain('Stopping the agent.');
    expect(texts.at(-1)).toContain('!status');
    expect(texts.at(-1)).toContain('!deploy');
    expect(seen.stops).toEqual([thread]);
    expect(seen.inputs).toEqual([]);
  });

  it('answers a custom command at the top level of the channel', async () => {
    const { bridge } = await setup();
    await fixture.says(bridge, ALICE, '!deploy staging');
    expect(fixture.channelTexts()).toContain('Deploying staging');
  });

  it('routes a slash command as a ! command, acknowledging it with a short text', async () => {
    const { bridge } = await setup();
    const envelope = fixture.fake.userRunsSlashCommand({
      command: '/agent',
      text: 'status',
      user: ALICE,
      channel: fixture.channel,
    });
    await fixture.handled(bridge, envelope);
    expect(fixture.channelTexts()).toContain('Agents: 1 running');
    const ack = fixture.fake.envelopes().find((e) => e.envelopeId === envelope)?.ackPayload;
    expect(ack).toEqual({ text: '⏳ /agent status' });
    expect(fixture.fake.ephemeralMessages(fixture.channel, ALICE).map((e) => e.text)).toEqual([
      '⏳ /agent status',
    ]);
  });

  it('shows help for an empty slash command', async () => {
    const { bridge } = await setup();
    const envelope = fixture.fake.userRunsSlashCommand({
      command: '/agent',
      text: '',
      user: ALICE,
      channel: fixture.channel,
    });
    await fixture.handled(bridge, envelope);
    expect(fixture.channelTexts().at(-1)).toMatch(/!status/);
  });

  it('refuses a stranger’s command and audits it', async () => {
    const { bridge } = await setup();
    await fixture.says(bridge, 'U0STRANGER', '!stop');
    expect(fixture.channelTexts().at(-1)).toMatch(/not authorized/);
    expect(bridge.auditLog().some((e) => e.action === 'auth.refused' && e.userId === 'U0STRANGER')).toBe(
      true,
    );
  });

  it('escapes mass mentions, user mentions and fake links in agent output', async () => {
    const { bridge, thread } = await setup();
    await bridge.sendOutput(
      thread,
      'hey <!channel> and <!here>, ping <@U123> and see <http://evil.example|your bank>',
    );
    await bridge.settle();
    const stored = fixture.texts(thread).join('\n');
    expect(stored).not.toMatch(/<[!@#]/);
    expect(stored).toContain('&lt;!channel&gt;');
    expect(stored).toContain('&lt;@U123&gt;');
    // A bare URL may become a link, but only one whose label shows the URL itself: no "your bank" label.
    const links = [...stored.matchAll(/<([^|>]*)\|([^>]*)>/g)].map(([, url, label]) => ({ url, label }));
    for (const { url, label } of links) expect(url?.startsWith(label?.split('|')[0] ?? '-')).toBe(true);
    expect(links.some((l) => l.label?.includes('bank'))).toBe(false);
    expect(stored).toContain('bank&gt;');
  });

  it('escapes a thread name and a person’s name shown back in the channel', async () => {
    const { bridge } = await setup();
    const thread = await bridge.createThread('<!channel> repo');
    fixture.fake.addUser({ id: 'U0EVIL', name: '<!here>' });
    await fixture.says(bridge, 'U0EVIL', 'hello', thread);
    const all = [...fixture.channelTexts(), ...fixture.texts(thread)].join('\n');
    expect(all).not.toMatch(/<!/);
    expect(all).toContain('&lt;!channel&gt; repo');
  });

  it('keeps output in order and within Slack’s limits when it is long', async () => {
    const { bridge, thread } = await setup();
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(20)}`);
    await Promise.all(lines.map((line) => bridge.sendOutput(thread, line)));
    const texts = fixture.texts(thread).slice(1);
    expect(texts.length).toBeGreaterThan(1);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(4000);
    const seen = texts.join('\n').match(/line \d+/g);
    expect(seen).toEqual(lines.map((_, i) => `line ${i}`));
  });
});
