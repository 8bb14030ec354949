import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PendingDecision } from '../../src/core/approvals/pending.js';
import type { FakeSlackServerOptions } from '../../src/slack/fake/index.js';
import type { SlackBridge } from '../../src/slack/index.js';
import { SlackFixture } from './slack-fixture.js';

const ALICE = 'U0ALICE';

let fixture: SlackFixture;
let dataDir: string | undefined;

afterEach(async () => {
  await fixture?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

async function setup(
  options: FakeSlackServerOptions = {},
): Promise<{ bridge: SlackBridge; thread: string; inputs: string[] }> {
  fixture = await new SlackFixture({ ackTimeoutMs: 300, disconnectGraceMs: 50, ...options }).start();
  fixture.fake.addUser({ id: ALICE, name: 'alice' });
  const inputs: string[] = [];
  const bridge = await fixture.started({
    allowedUserIds: [ALICE],
    handlers: { onInput: (_thread, text) => void inputs.push(text) },
  });
  const thread = await bridge.createThread('Repo');
  return { bridge, thread, inputs };
}

function opens(): number {
  return fixture.fake.calls.filter((c) => c.method === 'apps.connections.open' && c.ok).length;
}

describe('SlackBridge under faults', () => {
  it('reconnects on refresh_requested; a message sent meanwhile arrives once', async () => {
    const { bridge, thread, inputs } = await setup();
    const before = opens();
    fixture.fake.disconnect('refresh_requested');
    fixture.fake.userPosts({
      channel: fixture.channel,
      user: ALICE,
      text: 'while reconnecting',
      threadTs: thread,
    });
    await fixture.fake.waitFor(() => opens() > before && fixture.fake.connectionCount === 1);
    await fixture.handled(bridge, undefined);
    await fixture.says(bridge, ALICE, 'after reconnecting', thread);
    expect(inputs).toEqual(['while reconnecting', 'after reconnecting']);
  });

  it('a socket dropped mid-envelope: the envelope comes again after reconnecting and is handled once', async () => {
    const { bridge, thread, inputs } = await setup();
    const before = opens();
    fixture.fake.userPosts({
      channel: fixture.channel,
      user: ALICE,
      text: 'are you there?',
      threadTs: thread,
    });
    fixture.fake.dropSocket();
    await fixture.fake.waitFor(() => opens() > before, { description: 'a new Socket Mode connection' });
    await fixture.fake.waitFor(() => fixture.fake.envelopes().every((e) => e.state === 'acked'));
    await fixture.handled(bridge, undefined);
    expect(inputs).toEqual(['are you there?']);
  });

  it('a lost ack: the redelivered message and click are acknowledged but handled once', async () => {
    const { bridge, thread, inputs } = await setup();
    await fixture.fake.waitFor(() => fixture.fake.envelopes().every((e) => e.state === 'acked'));
    fixture.fake.inject({ kind: 'slowAck', times: 1 });
    await fixture.says(bridge, ALICE, 'run the tests', thread);
    const decisions: PendingDecision[] = [];
    bridge.onDecision((_t, _r, d) => decisions.push(d));
    const decision = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'npm test' } });
    await fixture.fake.waitFor(() => fixture.botMessages(thread).some((m) => m.buttons.length > 0));
    // The fake echoes the bot's own card as an event; let its ack land first, so the lost ack is the click's.
    await fixture.fake.waitFor(() => fixture.fake.envelopes().every((e) => e.state === 'acked'));
    fixture.fake.inject({ kind: 'slowAck', times: 1 });
    await fixture.clicks(bridge, ALICE, thread, 'Allow');
    expect((await decision).behavior).toBe('allow');
    await fixture.handled(bridge, undefined);
    expect(inputs).toEqual(['run the tests']);
    expect(decisions).toHaveLength(1);
    const person = fixture.fake.envelopes().filter((e) => e.type !== 'events_api' || e.deliveries > 1);
    expect(person.map((e) => [e.type, e.deliveries, e.state])).toEqual([
      ['events_api', 2, 'acked'],
      ['interactive', 2, 'acked'],
    ]);
    expect(fixture.fake.ephemeralMessages(fixture.channel, ALICE)).toEqual([]);
  });

  it('waits out a 429 with Retry-After: every message arrives once, in order', async () => {
    const { bridge, thread } = await setup();
    fixture.fake.inject({ kind: 'ratelimit', retryAfter: 1, method: 'chat.postMessage' });
    await bridge.sendStatus(thread, 'running');
    await bridge.sendOutput(thread, 'first');
    await bridge.sendStatus(thread, 'done');
    expect(fixture.texts(thread).slice(1)).toEqual(['🔄 Status: running', 'first', '✅ Status: done']);
    const posts = fixture.fake.calls.filter((c) => c.method === 'chat.postMessage');
    expect(posts.map((c) => c.status)).toEqual([200, 429, 200, 200, 200]);
  });

  it('retries 5xx answers: the message arrives once', async () => {
    const { bridge, thread } = await setup();
    fixture.fake.inject({ kind: 'status', status: 503, method: 'chat.postMessage', times: 2 });
    await bridge.sendOutput(thread, 'survived');
    expect(fixture.texts(thread).slice(1)).toEqual(['survived']);
  });

  it('retries a 5xx on the card update after a decision', async () => {
    const { bridge, thread } = await setup();
    const decision = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'ls' } });
    await fixture.fake.waitFor(() => fixture.botMessages(thread).some((m) => m.buttons.length > 0));
    fixture.fake.inject({ kind: 'status', status: 500, method: 'chat.update' });
    await fixture.clicks(bridge, ALICE, thread, 'Deny');
    expect((await decision).behavior).toBe('deny');
    await fixture.fake.waitFor(() => fixture.texts(thread).some((t) => t.includes('Denied — alice')));
    expect(fixture.botMessages(thread).every((m) => m.buttons.length === 0)).toBe(true);
  });

  it('a restart with a pending approval keeps its card answerable, exactly once', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tether-slack-'));
    fixture = await new SlackFixture().start();
    fixture.fake.addUser({ id: ALICE, name: 'alice' });
    const first = await fixture.started({ allowedUserIds: [ALICE], dataDir });
    const thread = await first.createThread('Repo');
    await first.sendApprovalRequest(thread, {
      requestId: 'req-1',
      toolName: 'Bash',
      input: { command: 'make' },
    });
    await first.stop();

    const responses: string[] = [];
    const second = await fixture.started({
      allowedUserIds: [ALICE],
      dataDir,
      handlers: {
        onApprovalResponse: (_t, requestId, approved) => void responses.push(`${requestId}:${approved}`),
      },
    });
    const decisions: string[] = [];
    second.onDecision((_t, requestId, d) => decisions.push(`${requestId}:${d.behavior}`));
    expect(second.getThread(thread)?.name).toBe('Repo');
    await fixture.clicks(second, ALICE, thread, 'Allow');
    await fixture.says(second, ALICE, 'no', thread);
    expect(decisions).toEqual(['req-1:allow']);
    expect(responses).toEqual(['req-1:true']);
    await fixture.fake.waitFor(() => fixture.texts(thread).some((t) => t.includes('Allowed — alice')));
    expect(
      second.auditLog({ requestId: 'req-1' }).filter((e) => e.action.startsWith('approval.')),
    ).toHaveLength(1);
  });
});
