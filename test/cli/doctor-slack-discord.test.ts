import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscordServer } from '../../src/discord/fake/index.js';
import { FakeSlackServer } from '../../src/slack/fake/index.js';
import { type CliSandbox, createSandbox, runCli } from './cli-process.js';

const SLACK_BOT = 'xoxb-1111111111-2222222222-AbCdEfGhIjKlMnOpQrSt';
const SLACK_APP = 'xapp-1-A0123456-3333333333-abcdef0123456789abcdef';
const DISCORD = `${'M'.repeat(24)}.GhIjKl.${'x'.repeat(38)}`;

describe('agent-tether doctor (Slack and Discord, against their fakes)', () => {
  let sandbox: CliSandbox;
  let slack: FakeSlackServer;
  let discord: FakeDiscordServer;
  beforeEach(async () => {
    sandbox = createSandbox();
    slack = new FakeSlackServer({ botToken: SLACK_BOT, appToken: SLACK_APP });
    discord = new FakeDiscordServer({ token: DISCORD });
    await Promise.all([slack.start(), discord.start()]);
  });
  afterEach(async () => {
    await Promise.allSettled([slack.stop(), discord.stop()]);
    sandbox.cleanup();
  });

  it('checks the Slack tokens and channel (✓), and reports a Discord token Discord refuses with its fix (✗, exit 1)', async () => {
    const channel = slack.createChannel({ name: 'agents', botIsMember: true });
    const result = await runCli(
      ['doctor', '--slack-api-url', slack.apiUrl, '--discord-api', discord.apiUrl, '--verbose'],
      {
        ...sandbox.env,
        SLACK_BOT_TOKEN: SLACK_BOT,
        SLACK_APP_TOKEN: SLACK_APP,
        SLACK_CHANNEL_ID: channel,
        DISCORD_BOT_TOKEN: `${'N'.repeat(24)}.GhIjKl.${'y'.repeat(38)}`,
      },
    );
    expect(result.stdout).toMatch(/^✓ Slack bot token: valid/m);
    expect(result.stdout).toMatch(/^✓ Slack app-level token: valid/m);
    expect(result.stdout).toMatch(new RegExp(`^✓ Slack channel ${channel}: the bot can see it$`, 'm'));
    expect(result.stdout).toMatch(/^✗ Discord bot token: Discord refused it \(401 Unauthorized\): reset it/m);
    expect(result.code).toBe(1);
    const output = result.stdout + result.stderr;
    for (const secret of [SLACK_BOT.slice(5), SLACK_APP.slice(5), 'y'.repeat(38)]) {
      expect(output).not.toContain(secret);
    }
  });

  it('passes with a Discord token the API accepts', async () => {
    const result = await runCli(['doctor', '--discord-api', discord.apiUrl], {
      ...sandbox.env,
      DISCORD_BOT_TOKEN: DISCORD,
      ANTHROPIC_API_KEY: 'test',
    });
    expect(result.stdout).toMatch(/^✓ Discord bot token: valid, the bot is /m);
    expect(result.stdout).toContain('All checks passed.');
    expect(result.code).toBe(0);
  });
});
