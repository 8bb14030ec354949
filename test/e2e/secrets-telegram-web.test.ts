/**
 * End to end: a real agent process prints a `.env` file and an `Authorization: Bearer` curl line, then asks to
 * run the curl. It is supervised on a Telegram topic (FakeTelegramServer through grammY) and the web page at
 * once. Nothing the person sees on either contains a secret; the card says one was masked; the person's own
 * message with a token and the approval reach the agent intact.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SubprocessRunner } from '../../src/runner/subprocess.js';
import { supervise } from '../../src/runner/supervise.js';
import { WebBridge } from '../../src/web/bridge.js';
import { WebPageClient } from '../../src/web/page-client.js';
import { leakedParts } from '../contract/secret-masking-contract.js';
import { prng } from '../support/secret-corpus.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';
import { botMessages, bridgeOn, say, startFake, tap, waitForButton } from '../telegram/telegram-world.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function generated(
  seed: number,
  length: number,
  alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789',
) {
  const r = prng(seed);
  return Array.from({ length }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
}

describe('secrets end to end: an agent prints a .env file and a curl line', () => {
  it('Telegram and the web page show them masked; the agent gets the input and the approval intact', async () => {
    const secrets = {
      github: `ghp_${generated(1, 36)}`,
      openai: `sk-proj-${generated(2, 80)}`,
      dbPassword: generated(3, 20),
      sessionSecret: generated(4, 48),
      bearer: generated(5, 40),
    };
    const dotenv = [
      'NODE_ENV=production',
      `GITHUB_TOKEN=${secrets.github}`,
      `OPENAI_API_KEY=${secrets.openai}`,
      `DATABASE_URL=postgres://app:${secrets.dbPassword}@db.internal:5432/app`,
      `SESSION_SECRET="${secrets.sessionSecret}"`,
    ].join('\n');
    const curl = `curl -sS -H "Authorization: Bearer ${secrets.bearer}" https://api.example.com/v1/me`;
    const dir = mkdtempSync(path.join(tmpdir(), 'secrets-e2e-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const agentLog = path.join(dir, 'agent.log');

    const tg = await startFake();
    cleanups.push(() => tg.fake.stop());
    const telegram = bridgeOn(tg);
    const web = new WebBridge({ dataDir: ':memory:' });
    await Promise.all([telegram.start(), web.start()]);
    cleanups.push(() => telegram.stop());
    cleanups.push(() => web.stop());
    const page = await WebPageClient.open(web.url);
    cleanups.push(() => page.close());

    const session = await supervise({
      bridges: [telegram, web],
      prompt: 'show me the config',
      runner: (events) =>
        new SubprocessRunner(events, {
          command: process.execPath,
          args: [path.resolve('test/e2e/agents/prints-secrets.mjs')],
          env: { AGENT_DOTENV: dotenv, AGENT_CURL: curl, AGENT_LOG: agentLog },
        }),
    });
    const topic = session.threads.find((t) => t.bridge === telegram)?.threadId ?? '';
    const webThread = session.threads.find((t) => t.bridge === web)?.threadId ?? '';

    const card = await waitForButton(tg, topic, 'Allow', REAL_PROCESS_WAIT_MS);
    expect(card.text).toContain('Contains a secret, masked here. Approving approves the real command');
    expect(card.text).toContain('Authorization: Bearer ‹secret: credential›');
    // The person also pastes a token for the agent: it is shown masked, but the agent must get it as typed.
    const typed = `use DEPLOY_TOKEN=${generated(6, 32)} for the deploy`;
    say(tg, topic, typed);
    await tap(tg, topic, 'Allow');
    await tg.fake.waitFor(() => botMessages(tg, topic).some((m) => m.text.includes('Ran it: 200 OK')), {
      what: 'the agent saying it ran the command',
      timeoutMs: REAL_PROCESS_WAIT_MS,
    });
    await page.waitFor(() => page.texts(webThread).some((t) => t.includes('Ran it: 200 OK')));
    say(tg, topic, 'bye');
    expect(await session.done).toBe(0);

    const telegramSees = botMessages(tg, topic)
      .map((m) => m.text)
      .join('\n');
    const webSees = page
      .messages(webThread)
      .map((m) => m.html)
      .join('\n');
    for (const [name, secret] of Object.entries({ ...secrets, typed: typed.slice(17, 49) })) {
      if (name !== 'typed') expect(leakedParts(telegramSees, secret), `telegram: ${name}`).toEqual([]);
      expect(leakedParts(webSees, secret), `web: ${name}`).toEqual([]);
    }
    expect(telegramSees).toContain('GITHUB_TOKEN=ghp_‹secret: GitHub token, 4 chars shown›');
    expect(telegramSees).toContain('postgres://app:‹secret: password in URL›@db.internal:5432/app');
    expect(webSees).toContain('SESSION_SECRET=&quot;‹secret: secret›&quot;');

    const received = readFileSync(agentLog, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, string>);
    expect(received).toContainEqual({ input: typed });
    expect(received).toContainEqual({ decision: 'allow', command: curl });
  });
});
