/**
 * `agent-tether serve --redis`, as people run it on three machines sharing one Telegram bot and one Slack app
 * through one Redis: every host's terminal Claude Code sessions appear on both platforms (shown by whichever host
 * holds the connections); the holder is SIGKILLed while a card waits → another host polls within 10 s, the tap on
 * the dead host's card reaches the agent once, and no output is lost or shown twice; Redis restarts (kill and start
 * again on the same port, append-only file kept) → the hosts reconnect and a decision made across the restart
 * arrives; `status` lists the hosts and who holds the bot; `/new <host>:<project>` starts a session on that host. Two hosts racing to settle one request: test/redis/redis-store.test.ts (300 requests, two processes).
 */

import { appendFileSync, chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/redis/index.js';
import { readSecret } from '../../src/serve/daemon-files.js';
import { FakeSlackServer } from '../../src/slack/fake/index.js';
import { FakeTelegramServer } from '../../src/telegram/fake/index.js';
import { hasRedisServer, NO_REDIS_MESSAGE, RedisServerProcess } from '../support/redis-server.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';
import { type CliProcess, type CliSandbox, createSandbox, killCli, runCli, startCli } from './cli-process.js';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0';
const OWNER = { id: 1001, first_name: 'Olivia', username: 'olivia' };
const SLACK_USER = 'U0OLIVIA1';
const ENDPOINT = /control endpoint (http:\/\/127\.0\.0\.1:\d+)/;
const LEASE_KEY = 'agent-tether:lease:platforms';
const WAIT = { timeoutMs: REAL_PROCESS_WAIT_MS };
const NAMES = ['laptop', 'desktop', 'cloud'] as const;

/** Poll an async condition every 50 ms until it holds (the fakes' waitFor takes synchronous predicates). */
async function until<T>(check: () => Promise<T>, what: string, timeoutMs = REAL_PROCESS_WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const available = hasRedisServer();
if (!available) console.warn(NO_REDIS_MESSAGE);

describe('agent-tether serve --redis', { timeout: 180_000 }, () => {
  const sandboxes: CliSandbox[] = [];

  it('an unreachable Redis is one line naming the address and the fix', async () => {
    const box = createSandbox();
    const result = await runCli(
      ['serve', '--redis', 'redis://:secret@127.0.0.1:1', '--host-name', 'laptop'],
      box.env,
      { preferBuilt: true },
    ).finally(() => box.cleanup());
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/? did not answer .*is redis-server running there\?/,
    );
    expect(result.stderr).not.toContain('secret');
  });

  describe.skipIf(!available)('three hosts, Telegram and Slack, one Redis', () => {
    const redis = new RedisServerProcess();
    const telegram = new FakeTelegramServer({ token: TOKEN, rateLimits: false });
    const slack = new FakeSlackServer({ rateLimits: false });
    const clis: CliProcess[] = [];
    let chatId = 0;
    let channel = '';
    beforeAll(async () => {
      const [apiRoot] = await Promise.all([telegram.start(), slack.start(), redis.start()]);
      chatId = telegram.createForumGroup({ title: 'Agents' });
      channel = slack.createChannel({ name: 'agents' });
      slack.addUser({ id: SLACK_USER, name: 'olivia' });
      // Olivia paired on Slack on an earlier day: the pairing is in the shared store, for every host.
      const store = await RedisStore.connect({ url: redis.url });
      store.putPairedUser({ platform: 'slack', userId: SLACK_USER, name: 'olivia', pairedAt: 1 });
      store.close();
      for (let i = 0; i < 3; i++) {
        const box = createSandbox();
        sandboxes.push(box);
        mkdirSync(dirname(box.configPath), { recursive: true });
        writeFileSync(
          box.configPath,
          JSON.stringify({
            telegram: { token: TOKEN, forumGroupId: chatId, allowedUserIds: [OWNER.id], apiRoot },
            slack: {
              botToken: slack.botToken,
              appToken: slack.appToken,
              channelId: channel,
              apiUrl: slack.apiUrl,
            },
            serve: { port: 0, platforms: ['telegram', 'slack'], runner: 'scripted' },
            // `/new <host>:site-<host>` starts a session there, in this directory of that host's config.
            projects: { [`site-${NAMES[i]}`]: join(box.dir, 'site') },
            // The first host is started with flags instead (`serve --redis URL --host-name NAME`).
            ...(i > 0 ? { redis: { url: redis.url, hostName: NAMES[i] } } : {}),
          }),
        );
        chmodSync(box.configPath, 0o600);
      }
    });
    afterAll(async () => {
      for (const cli of clis.splice(0)) await killCli(cli);
      await Promise.allSettled([telegram.stop(), slack.stop(), redis.dispose()]);
      for (const sandbox of sandboxes.splice(0)) sandbox.cleanup();
    });

    it('sessions of every host on both platforms; the holder SIGKILLed mid-approval; a Redis restart', async () => {
      const names = NAMES;
      const hosts = names.map((name, i) => {
        const box = sandboxes[i]!;
        const args = i === 0 ? ['serve', '--redis', redis.url, '--host-name', name] : ['serve'];
        const cli = startCli(args, box.env, {
          preferBuilt: true,
        });
        clis.push(cli);
        return { name, box, cli, url: '', dataDir: box.env.AGENT_TETHER_HOME ?? '' };
      });
      for (const host of hosts) [, host.url] = (await host.cli.waitForStdout(ENDPOINT)) as [string, string];
      const peek = new Redis(redis.url, { maxRetriesPerRequest: null });
      peek.on('error', () => {});
      const holderName = async () => {
        const raw = await peek.get(LEASE_KEY).catch(() => null);
        return raw ? (JSON.parse(raw) as { host: string }).host : undefined;
      };
      await until(async () => telegram.longPollWaiting && (await holderName()), 'one host holding the bot');

      // --- every host runs a terminal Claude Code session; each appears on Telegram and on Slack.
      const session = (host: (typeof hosts)[number]) => {
        const id = `${host.name}-0000-4000-8000-000000000001`;
        const cwd = join(host.box.dir, `repo-${host.name}`);
        const transcript = join(host.box.dir, '.claude', 'projects', `-repo-${host.name}`, `${id}.jsonl`);
        mkdirSync(dirname(transcript), { recursive: true });
        mkdirSync(cwd, { recursive: true });
        writeFileSync(transcript, '');
        const hook = async (event: string, fields: Record<string, unknown> = {}) => {
          const response = await fetch(`${host.url}/hooks/claude/${event}`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${readSecret(host.dataDir)}`,
            },
            body: JSON.stringify({
              session_id: id,
              transcript_path: transcript,
              cwd,
              permission_mode: 'default',
              hook_event_name: event,
              ...fields,
            }),
          });
          return (await response.json()) as Record<string, unknown>;
        };
        const says = (text: string) =>
          appendFileSync(
            transcript,
            `${JSON.stringify({ type: 'assistant', message: { role: 'assistant', content: [{ type: 'text', text }] } })}\n`,
          );
        return { name: `repo-${host.name}: Ship it`, hook, says };
      };
      const sessions = hosts.map(session);
      await Promise.all(sessions.map((s) => s.hook('UserPromptSubmit', { prompt: 'Ship it' })));
      for (const [i, s] of sessions.entries()) s.says(`hello from ${names[i]}`);

      const topicOf = (name: string) => telegram.topics(chatId).find((t) => t.name === name);
      const telegramTexts = (name: string) => {
        const topic = topicOf(name);
        return topic
          ? telegram
              .topicMessages(chatId, topic.id)
              .filter((m) => m.fromBot)
              .map((m) => m.text)
          : [];
      };
      const slackParent = (name: string) =>
        slack.channelMessages(channel).find((m) => m.botPosted && m.text.includes(name));
      const slackTexts = (name: string) => {
        const parent = slackParent(name);
        return parent
          ? slack
              .threadMessages(channel, parent.ts)
              .filter((m) => m.botPosted && !m.deleted)
              .map((m) => m.text)
          : [];
      };
      const seenOnBoth = (name: string, text: string) =>
        telegramTexts(name).some((t) => t.includes(text)) && slackTexts(name).some((t) => t.includes(text));
      await telegram.waitFor(() => sessions.every((s, i) => seenOnBoth(s.name, `hello from ${names[i]}`)), {
        what: 'every host’s session on Telegram and Slack',
        ...WAIT,
      });

      // --- a session on a host that does not hold the bot asks to run a command: a card on both platforms.
      const holding = await holderName();
      const holder = hosts.find((h) => h.name === holding)!;
      const [asker, other] = hosts.filter((h) => h !== holder) as [typeof holder, typeof holder];
      const askerSession = sessions[hosts.indexOf(asker)]!;
      const otherSession = sessions[hosts.indexOf(other)]!;
      const answer = askerSession.hook('PermissionRequest', {
        tool_name: 'Bash',
        tool_input: { command: 'npm publish' },
      });
      const telegramCard = await telegram.waitFor(
        () =>
          telegram
            .topicMessages(chatId, topicOf(askerSession.name)!.id)
            .find((m) => m.fromBot && m.buttons.flat().includes('Allow')),
        { what: 'the card on Telegram', ...WAIT },
      );
      const slackCard = await slack.waitFor(
        () =>
          slack
            .threadMessages(channel, slackParent(askerSession.name)!.ts)
            .find((m) => m.botPosted && m.buttons.some((b) => b.text === 'Deny')),
        { ...WAIT },
      );

      // Both cards are recorded in the shared store (a holder dying between posting a card and recording it: the host
      // taking over posts it again, see test/redis/serve-multi-host.test.ts).
      await until(
        async () => Object.values(await peek.hgetall('agent-tether:pending:cards')).every((c) => c !== '[]'),
        'the cards recorded',
      );
      // --- the holder dies (SIGKILL) with the card open; output keeps coming meanwhile.
      const polls = telegram.countCalls('getUpdates');
      const killedAt = Date.now();
      holder.cli.child.kill('SIGKILL');
      await holder.cli.exited;
      askerSession.says('written while the holder was dying');
      otherSession.says('also written during the failover');
      // Olivia taps Allow on the dead host's card at once: Telegram keeps the tap for whoever polls next.
      const allow = telegramCard.buttonData.flat()[telegramCard.buttons.flat().indexOf('Allow')]!;
      const tap = () =>
        telegram.userTapsData({ chatId, messageId: telegramCard.messageId, data: allow, from: OWNER });
      const firstTap = tap();
      await until(
        async () => {
          const now = await holderName();
          return now !== undefined && now !== holder.name && telegram.countCalls('getUpdates') > polls;
        },
        'another host polling Telegram',
        10_000,
      );
      const failoverMs = Date.now() - killedAt;
      // The tap on the dead host's card reaches the agent, once.
      expect((await firstTap)?.text).toMatch(/allow/i);
      expect(await answer).toMatchObject({ hookSpecificOutput: { decision: { behavior: 'allow' } } });
      expect((await tap())?.text).toMatch(/already/i);
      // On Slack the same card now says who decided, and a late click changes nothing.
      await slack.waitFor(() => slack.message(channel, slackCard.ts)?.buttons.length === 0, WAIT);

      // --- Redis restarts (stopped, started again on the same port with its append-only file).
      const restartAsk = otherSession.hook('PermissionRequest', {
        tool_name: 'Bash',
        tool_input: { command: 'git push' },
      });
      const restartCard = await telegram.waitFor(
        () =>
          telegram
            .topicMessages(chatId, topicOf(otherSession.name)!.id)
            .find((m) => m.fromBot && m.buttons.flat().includes('Deny')),
        { what: 'the card before the Redis restart', ...WAIT },
      );
      await redis.restart();
      askerSession.says('after the Redis restart');
      const deny = restartCard.buttonData.flat()[restartCard.buttons.flat().indexOf('Deny')]!;
      await telegram.userTapsData({ chatId, messageId: restartCard.messageId, data: deny, from: OWNER });
      expect(await restartAsk).toMatchObject({ hookSpecificOutput: { decision: { behavior: 'deny' } } });

      // --- nothing lost, nothing twice, on either platform.
      const expected: [number, string][] = [
        [0, 'hello from laptop'],
        [1, 'hello from desktop'],
        [2, 'hello from cloud'],
        [hosts.indexOf(asker), 'written while the holder was dying'],
        [hosts.indexOf(other), 'also written during the failover'],
        [hosts.indexOf(asker), 'after the Redis restart'],
      ];
      await telegram.waitFor(() => expected.every(([i, text]) => seenOnBoth(sessions[i]!.name, text)), {
        what: 'every line on both platforms',
        ...WAIT,
      });
      for (const [i, text] of expected) {
        const name = sessions[i]!.name;
        expect(telegramTexts(name).join('\n').split(text), `${text} on Telegram`).toHaveLength(2);
        expect(slackTexts(name).join('\n').split(text), `${text} on Slack`).toHaveLength(2);
      }
      expect(telegram.topics(chatId)).toHaveLength(3);
      expect(slack.channelMessages(channel).filter((m) => m.botPosted)).toHaveLength(3);
      const newHolder = (await holderName())!;
      peek.disconnect();

      // --- `status` lists the hosts and who holds the bot (the config's redis.url).
      const status = await runCli(['status'], other.box.env, { preferBuilt: true });
      expect(status.stdout).toContain(`Hosts sharing the bot through Redis at ${redis.url}`);
      expect(status.stdout).toMatch(new RegExp(`${newHolder}\\s+holds the platform connections`));
      for (const name of NAMES) expect(status.stdout).toContain(name);
      expect(status.stdout).toMatch(new RegExp(`${newHolder}\\s+holds .*projects: site-${newHolder}`));

      // --- `/new <host>:<project>` in General starts a session on that host (not the holder), in its project.
      const starter = hosts.find((h) => h !== holder && h.name !== newHolder)!;
      telegram.userSays({ chatId, from: OWNER, text: `/new ${starter.name}:site-${starter.name} tidy up` });
      await telegram.waitFor(
        () =>
          telegram
            .topicMessages(chatId, undefined)
            .some(
              (m) =>
                m.fromBot && m.text.includes(`Started scripted in site-${starter.name} on ${starter.name}`),
            ),
        { what: 'the start confirmed', ...WAIT },
      );
      await telegram.waitFor(() => telegramTexts(`site-${starter.name}: tidy up`).length > 0, {
        what: 'the new session’s thread',
        ...WAIT,
      });
      console.log(`serve --redis: failover ${failoverMs} ms (holder SIGKILLed → another host polling)`);
    });
  });
});
