/**
 * Escalation from the config file (`examples/config-escalation.json`): an approval nobody answers on Telegram
 * reaches Discord after `afterMinutes` (virtual clock), and the named person is mentioned there (a real
 * mention of that user only); a config naming a platform that is not running, or a bad value, says the fix.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfigFile } from '../../src/cli/config-file.js';
import { escalationFromConfig } from '../../src/cli/escalation-config.js';
import type { DiscordBridge } from '../../src/discord/index.js';
import { ScriptedRunner } from '../../src/runner/scripted.js';
import { supervise } from '../../src/runner/supervise.js';
import type { TelegramBridge } from '../../src/telegram/index.js';
import {
  click,
  type DiscordWorld,
  openWorld,
  owner,
  visibleBotMessages,
} from '../discord/discord-harness.js';
import { JumpClock } from '../support/jump-clock.js';
import { bridgeOn, type FakeWorld, startFake, waitForButton } from '../telegram/telegram-world.js';

const MINUTE = 60_000;
let telegram: { world: FakeWorld; bridge: TelegramBridge } | undefined;
let discordWorld: DiscordWorld | undefined;
afterEach(async () => {
  await telegram?.bridge.stop();
  await telegram?.world.fake.stop();
  await discordWorld?.close();
  telegram = undefined;
  discordWorld = undefined;
});

function configFile(json: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'tether-config-')), 'config.json');
  writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json));
  return file;
}

describe('escalation from the config file', () => {
  it('an unanswered approval reaches Discord after the delay and mentions the named person there', async () => {
    const config = readConfigFile(configFile(readFileSync('examples/config-escalation.json', 'utf8'))).config;
    const clock = new JumpClock();
    const world = await startFake();
    const bridge = bridgeOn(world, { clock, reminders: { enabled: false } });
    telegram = { world, bridge };
    await bridge.start();
    discordWorld = await openWorld();
    const discord: DiscordBridge = discordWorld.bridge();
    await discord.start();
    const escalation = escalationFromConfig(config.escalation!, [bridge, discord]);
    const session = await supervise({
      bridges: [bridge, discord],
      escalation,
      prompt: 'deploy',
      runner: (events) =>
        new ScriptedRunner(events, {
          script: [
            { permission: { toolName: 'Bash', input: { command: 'make deploy' }, onAllow: 'deployed' } },
          ],
        }),
    });
    const [tgThread, dcThread] = session.threads;
    await waitForButton(world, tgThread!.threadId, 'Allow');
    const { fake } = discordWorld;
    const onDiscord = () => visibleBotMessages(fake, dcThread!.threadId);
    expect(onDiscord().some((m) => m.components.length > 0 || m.content.includes('<@'))).toBe(false);
    clock.advance(10 * MINUTE);
    await fake.waitFor(() => onDiscord().find((m) => m.components.length > 0), {
      what: 'the escalated card',
    });
    const mention = await fake.waitFor(
      () => onDiscord().find((m) => m.content.startsWith(`<@${owner.id}>`)),
      {
        what: 'the mention of the named person',
      },
    );
    expect(mention.content).toContain('waited 10 min without an answer');
    expect(mention.allowedMentions).toEqual({ parse: [], users: [owner.id] });
    await click(fake, dcThread!.threadId, 'Allow', owner);
    await fake.waitFor(() => onDiscord().some((m) => m.content.includes('deployed')), {
      what: 'the agent going on',
    });
    await session.stop();
  });

  it('a platform that is not running, or a bad value, is refused with the fix', async () => {
    const config = readConfigFile(
      configFile({ escalation: { afterMinutes: 5, notify: [{ platform: 'slack', userId: 'U123' }] } }),
    ).config;
    const world = await startFake();
    const bridge = bridgeOn(world);
    telegram = { world, bridge };
    expect(() => escalationFromConfig(config.escalation!, [bridge])).toThrow(
      /escalation\.notify: "slack" is not one of the platforms running here \(telegram\)\. Fix: configure slack/,
    );
    expect(() =>
      readConfigFile(configFile({ escalation: { afterMinutes: 0, platforms: ['discord'] } })),
    ).toThrow(/invalid at "escalation\.afterMinutes": should be more than 0 minutes/);
    expect(() => readConfigFile(configFile({ escalation: { afterMinutes: 5 } }))).toThrow(
      /escalation needs "platforms" \(asked later\) or "notify"/,
    );
    expect(() => readConfigFile(configFile({ transcriber: '' }))).toThrow(/"transcriber"/);
  });
});
