import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { createSlackBridge, SlackBridge } from '../../src/slack/index.js';
import { SlackFixture } from './slack-fixture.js';

let fixture: SlackFixture;

afterEach(async () => {
  await fixture?.stop();
});

async function startError(fn: () => Promise<unknown>): Promise<ConfigError> {
  const error = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('SlackBridge startup', () => {
  it('starts with good settings, learns its user id and opens one Socket Mode connection', async () => {
    fixture = await new SlackFixture().start();
    const bridge = await fixture.started();
    expect(bridge.running).toBe(true);
    expect(bridge.botUserId).toBe(fixture.fake.botUserId);
    expect(fixture.fake.connectionCount).toBe(1);
    await bridge.stop();
    await fixture.fake.waitFor(() => fixture.fake.connectionCount === 0, {
      description: 'the socket closed',
    });
  });

  it('refuses a bot token Slack rejects, naming SLACK_BOT_TOKEN and never the token', async () => {
    fixture = await new SlackFixture().start();
    const token = 'xoxb-not-the-right-one';
    const error = await startError(() => fixture.bridge({ botToken: token }).start());
    expect(error.message).toMatch(/Slack rejected the bot token .*SLACK_BOT_TOKEN \(xoxb-…/);
    expect(error.message).not.toContain(token);
    expect(fixture.fake.connectionCount).toBe(0);
  });

  it('refuses an app-level token Slack rejects, naming SLACK_APP_TOKEN and connections:write', async () => {
    fixture = await new SlackFixture().start();
    const token = 'xapp-not-the-right-one';
    const error = await startError(() => fixture.bridge({ appToken: token }).start());
    expect(error.message).toMatch(/SLACK_APP_TOKEN \(xapp-…/);
    expect(error.message).toMatch(/connections:write/);
    expect(error.message).not.toContain(token);
    expect(fixture.fake.connectionCount).toBe(0);
  });

  it('says to invite the app when it is not in the channel', async () => {
    fixture = await new SlackFixture().start();
    const outside = fixture.fake.createChannel({ name: 'elsewhere', botIsMember: false });
    const error = await startError(() => fixture.bridge({ channelId: outside }).start());
    expect(error.message).toMatch(/invite the app to the channel: \/invite @yourapp/);
  });

  it('says to check SLACK_CHANNEL_ID when the channel does not exist', async () => {
    fixture = await new SlackFixture().start();
    const error = await startError(() => fixture.bridge({ channelId: 'C0NOPE' }).start());
    expect(error.message).toMatch(/SLACK_CHANNEL_ID/);
  });

  it.each([
    [{ botToken: 'xapp-1' }, /SLACK_BOT_TOKEN/],
    [{ appToken: 'xoxb-1' }, /SLACK_APP_TOKEN/],
    [{ channelId: '#agents' }, /SLACK_CHANNEL_ID/],
  ])('checks settings before any call: %o', async (override, message) => {
    const config = {
      botToken: 'xoxb-1',
      appToken: 'xapp-1',
      channelId: 'C0123',
      dataDir: ':memory:',
      ...override,
    };
    expect(() => createSlackBridge(config)).toThrow(ConfigError);
    expect(() => new SlackBridge(config)).toThrow(message);
  });

  it('retries a 5xx at startup', async () => {
    fixture = await new SlackFixture().start();
    fixture.fake.inject({ kind: 'status', status: 502, method: 'auth.test' });
    const bridge = await fixture.started();
    expect(bridge.running).toBe(true);
  });
});
