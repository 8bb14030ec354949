/**
 * Several hosts take turns holding one Slack app's Socket Mode connection over a shared store (`serve --redis`):
 * an envelope the first host handled but whose ack Slack never counted is redelivered to the host that took over,
 * and must not be handled twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/core/store/memory.js';
import { SlackFixture } from './slack-fixture.js';

const ALICE = 'U0ALICE';
let fixture: SlackFixture;
afterEach(() => fixture?.stop());

async function handOver(rememberHandledEnvelopes: boolean) {
  fixture = await new SlackFixture({ ackTimeoutMs: 300, disconnectGraceMs: 50 }).start();
  fixture.fake.addUser({ id: ALICE, name: 'alice' });
  const store = new MemoryStore();
  const heard: string[] = [];
  const host = (name: string) =>
    fixture.started({
      store,
      rememberHandledEnvelopes,
      allowedUserIds: [ALICE],
      handlers: { onInput: (_thread, text) => void heard.push(`${name}: ${text}`) },
    });
  const laptop = await host('laptop');
  const thread = await laptop.createThread('Repo');
  await fixture.fake.waitFor(() => fixture.fake.envelopes().every((e) => e.state === 'acked'));

  // The laptop handles the message, but its ack is lost, and it dies before Slack redelivers.
  fixture.fake.inject({ kind: 'slowAck', times: 1 });
  fixture.fake.userPosts({ channel: fixture.channel, user: ALICE, text: 'run the tests', threadTs: thread });
  await fixture.fake.waitFor(() => heard.length === 1, { description: 'the laptop to hear it' });
  await laptop.stop();

  const desktop = await host('desktop');
  await fixture.fake.waitFor(() => fixture.fake.envelopes().every((e) => e.state === 'acked'), {
    description: 'the redelivered envelope acknowledged by the desktop',
  });
  await fixture.says(desktop, ALICE, 'now deploy', thread);
  return heard;
}

describe('Slack connection handed over between hosts', () => {
  it('the host taking over skips an envelope its predecessor already handled', async () => {
    expect(await handOver(true)).toEqual(['laptop: run the tests', 'desktop: now deploy']);
  });

  it('without remembering handled envelopes, the redelivered one would be handled twice', async () => {
    expect(await handOver(false)).toEqual([
      'laptop: run the tests',
      'desktop: run the tests',
      'desktop: now deploy',
    ]);
  });
});
