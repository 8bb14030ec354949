/**
 * `agent-tether serve --redis`, as a person runs it: a Redis that cannot be reached is one clear line; two hosts
 * on one Redis and one bot hold the Telegram connection one at a time, and the other takes over when the holder
 * is killed.
 */

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeTelegramServer } from '../../src/telegram/fake/index.js';
import { hasRedisServer, RedisServerProcess } from '../support/redis-server.js';
import { type CliProcess, type CliSandbox, createSandbox, killCli, runCli, startCli } from './cli-process.js';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0';
const ENDPOINT = /control endpoint (http:\/\/127\.0\.0\.1:\d+)/;

describe('agent-tether serve --redis', { timeout: 180_000 }, () => {
  let fake: FakeTelegramServer;
  const sandboxes: CliSandbox[] = [];
  const clis: CliProcess[] = [];
  let apiRoot = '';
  let chatId = 0;
  beforeEach(async () => {
    fake = new FakeTelegramServer({ token: TOKEN, rateLimits: false });
    apiRoot = await fake.start();
    chatId = fake.createForumGroup({ title: 'Agents' });
  });
  afterEach(async () => {
    for (const cli of clis.splice(0)) await killCli(cli);
    await fake.stop();
    for (const sandbox of sandboxes.splice(0)) sandbox.cleanup();
  });

  function sandbox(): CliSandbox {
    const box = createSandbox();
    sandboxes.push(box);
    mkdirSync(dirname(box.configPath), { recursive: true });
    writeFileSync(
      box.configPath,
      JSON.stringify({
        telegram: { token: TOKEN, forumGroupId: chatId, allowedUserIds: [1001], apiRoot },
        serve: { port: 0 },
      }),
    );
    chmodSync(box.configPath, 0o600);
    return box;
  }

  it('an unreachable Redis is one line naming the address and the fix', async () => {
    const result = await runCli(
      ['serve', '--redis', 'redis://:secret@127.0.0.1:1', '--host-name', 'laptop'],
      sandbox().env,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/? did not answer .*is redis-server running there\?/,
    );
    expect(result.stderr).not.toContain('secret');
  });

  describe.skipIf(!hasRedisServer())('with a Redis', () => {
    const redis = new RedisServerProcess();
    beforeAll(() => redis.start().then(() => undefined));
    afterAll(() => redis.dispose());

    it('two hosts: one polls Telegram; when it is killed the other takes polling over', async () => {
      const laptop = startCli(['serve', '--redis', redis.url, '--host-name', 'laptop'], sandbox().env);
      clis.push(laptop);
      await laptop.waitForStdout(ENDPOINT, 60_000);
      await fake.waitFor(() => fake.longPollWaiting, { what: 'the laptop polling', timeoutMs: 60_000 });
      const desktop = startCli(['serve', '--redis', redis.url, '--host-name', 'desktop'], sandbox().env);
      clis.push(desktop);
      await desktop.waitForStdout(ENDPOINT, 60_000);
      const polls = fake.countCalls('getUpdates');
      laptop.child.kill('SIGKILL');
      await laptop.exited;
      // Only the desktop can be polling now: it took the lease over.
      await fake.waitFor(() => fake.countCalls('getUpdates') > polls + 1 && fake.longPollWaiting, {
        what: 'the desktop polling',
        timeoutMs: 60_000,
      });
      expect(desktop.child.exitCode).toBeNull();
    });
  });
});
