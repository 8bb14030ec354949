import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SubprocessRunner } from '../../src/runner/subprocess.js';
import { EventRecorder } from '../runner-contract/event-recorder.js';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('agent environment', () => {
  it('an agent process cannot read the bot tokens that supervise it', async () => {
    process.env.TELEGRAM_BOT_TOKEN = '123456:AAAAsecretsecretsecretsecretsecret';
    process.env.SLACK_APP_TOKEN = 'xapp-1-secret';
    process.env.SLACK_BOT_TOKEN = 'xoxb-secret';
    process.env.DISCORD_BOT_TOKEN = 'discord-secret';
    process.env.AGENT_TETHER_CONFIG = '/home/me/.config/agent-tether/config.json';
    process.env.HARMLESS_SETTING = 'kept';
    const events = new EventRecorder();
    const script = `const e = process.env; process.stdout.write(JSON.stringify({ type: 'output', text: JSON.stringify(e) }) + '\\n'); process.stdout.write(JSON.stringify({ type: 'exit', code: 0 }) + '\\n');`;
    const runner = new SubprocessRunner(events, {
      command: process.execPath,
      args: ['-e', script],
      cwd: path.resolve('.'),
    });
    await runner.start('s1', 'show env', 0);
    await events.waitFor('onExit');
    const env = JSON.parse(
      String(events.of('onOutput').find((e) => String(e.args[1]).startsWith('{'))?.args[1] ?? '{}'),
    ) as Record<string, string>;
    expect(env.HARMLESS_SETTING).toBe('kept');
    expect(env.AGENT_TETHER_SESSION_ID).toBe('s1');
    for (const name of [
      'TELEGRAM_BOT_TOKEN',
      'SLACK_APP_TOKEN',
      'SLACK_BOT_TOKEN',
      'DISCORD_BOT_TOKEN',
      'AGENT_TETHER_CONFIG',
    ]) {
      expect(env[name], name).toBeUndefined();
    }
  });
});
