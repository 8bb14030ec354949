/**
 * Secret masking as a person sees it, on every bridge: generated credentials of every supported format in
 * output, status lines, approval cards (commands and edits), "Show all" and choices never show; the card says a
 * secret was masked and approving still approves the real input. Run it with `describeSecretMasking(name, harness)`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Bridge } from '../../src/core/bridge.js';
import type { ApprovalDecision, Handlers } from '../../src/core/types.js';
import { prng, secretSamples } from '../support/secret-corpus.js';
import { type BridgeHarness, eventually } from './bridge-contract.js';

/** Visible text with platform escapes removed (`\_`, `&amp;`, zero-width spaces), so an escaped leak is still found. */
function normalize(text: string): string {
  return text
    .replace(/\\(.)/g, '$1')
    .replace(/[\u200b\u200c\u2060]/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}

/** The 12-character windows of `secret`'s alphanumeric runs that appear in `seen` (a partial leak counts). */
export function leakedParts(seen: string, secret: string): string[] {
  const visible = normalize(seen);
  const leaks: string[] = [];
  for (const run of secret.match(/[A-Za-z0-9]{12,}/g) ?? []) {
    for (let i = 0; i + 12 <= run.length; i++) {
      const window = run.slice(i, i + 12);
      if (visible.includes(window)) leaks.push(window);
    }
  }
  return leaks;
}

function randomValue(seed: number, length = 32): string {
  const r = prng(seed);
  return Array.from(
    { length },
    () => 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'[Math.floor(r() * 57)],
  ).join('');
}

/** Register the secret-masking tests for one bridge. */
export function describeSecretMasking(name: string, harness: BridgeHarness): void {
  describe(`secret masking: ${name}`, () => {
    let bridge: Bridge | undefined;
    const approvals: { approved: boolean }[] = [];
    const handlers: Handlers = {
      onApprovalResponse: (_threadId, _requestId, approved) => {
        approvals.push({ approved });
      },
    };

    async function start(): Promise<Bridge> {
      approvals.length = 0;
      bridge = await harness.setup({ handlers, allowedUserIds: [harness.owner.id] });
      return bridge;
    }

    async function seen(threadId: string): Promise<string> {
      return (await harness.visible(threadId)).map((m) => m.text).join('\n');
    }

    afterEach(async () => {
      await bridge?.stop();
      bridge = undefined;
      await harness.teardown();
    });

    it('output with a generated sample of every format, as prose and in a code block: no secret is visible', async () => {
      const b = await start();
      const thread = await b.createThread('Secrets in output');
      const samples = secretSamples(11);
      // Queued together, as an agent's burst: the outbox packs them into few messages (platform rate limits).
      await Promise.all([
        ...samples.map((sample) => b.sendOutput(thread, sample.text)),
        b.sendOutput(thread, `\`\`\`\n${samples.map((s) => s.text).join('\n')}\n\`\`\``),
      ]);
      await eventually(async () => expect(await seen(thread)).toContain('‹secret: Stripe secret key'));
      const text = await seen(thread);
      for (const sample of samples) {
        expect(leakedParts(text, sample.secret), sample.format).toEqual([]);
        expect(text, sample.format).toContain(`‹secret: ${sample.label}`);
      }
    });

    it('output writing a token with Markdown escapes or character references: the reader never sees it', async () => {
      const b = await start();
      const thread = await b.createThread('Escaped secrets');
      const github = `ghp_${randomValue(31, 36)}`;
      const anthropic = `sk-ant-api03-${randomValue(32, 40)}`;
      // Models escape underscores; a reference like &#112; renders as "p". Both read as the real token.
      await b.sendOutput(thread, `Set GITHUB\\_TOKEN to ${github.replace('_', '\\_')}`);
      await b.sendOutput(thread, `and the key ${anthropic.replace('p', '&#112;').replaceAll('-', '\\-')}`);
      await eventually(async () => expect(await seen(thread)).toContain('and the key'));
      const text = await seen(thread);
      expect(leakedParts(text, github)).toEqual([]);
      expect(leakedParts(text, anthropic)).toEqual([]);
      expect(text).toContain('‹secret: GitHub token');
      expect(text).toContain('GITHUB');
    });

    it('a private key printed one line at a time is masked to its END line', async () => {
      const b = await start();
      const thread = await b.createThread('A key, line by line');
      const body = Array.from({ length: 4 }, (_, i) => randomValue(40 + i, 64));
      for (const line of [
        '-----BEGIN RSA PRIVATE KEY-----',
        ...body,
        '-----END RSA PRIVATE KEY-----',
        'done',
      ])
        await b.sendOutput(thread, line);
      await eventually(async () => expect(await seen(thread)).toContain('done'));
      const text = await seen(thread);
      for (const line of body) expect(leakedParts(text, line)).toEqual([]);
      expect(text).toContain('‹secret: private key');
    });

    it('a card whose ordinary fields (not the command) hold secrets shows them masked', async () => {
      const b = await start();
      const thread = await b.createThread('Secrets in tool fields');
      const github = `ghp_${randomValue(33, 36)}`;
      const anthropic = `sk-ant-api03-${randomValue(34, 40)}`;
      const decision = b.requestApproval(thread, {
        toolName: 'mcp__deploy__release',
        input: { token: github, anthropic_key: anthropic, note: 'ship it' },
      });
      let card = '';
      await eventually(async () => {
        const found = (await harness.visible(thread)).find((m) => m.buttons.includes('Allow'));
        expect(found).toBeDefined();
        card = found?.text ?? '';
      });
      expect(card).toContain('ship it');
      expect(leakedParts(card, github)).toEqual([]);
      expect(leakedParts(card, anthropic)).toEqual([]);
      await harness.taps(thread, 'Deny', harness.owner);
      expect(await decision).toMatchObject({ behavior: 'deny' });
    });

    it('a status line with a secret is masked', async () => {
      const b = await start();
      const thread = await b.createThread('Secrets in status');
      const [, , , slack] = secretSamples(12);
      await b.sendStatus(thread, 'error', `auth failed for ${slack?.text}`);
      await eventually(async () => expect(await seen(thread)).toContain('Status: error'));
      expect(leakedParts(await seen(thread), slack?.secret ?? '')).toEqual([]);
      expect(await seen(thread)).toContain('‹secret: Slack token, 5 chars shown›');
    });

    it('a card whose command holds a secret shows it masked, says so, and Allow approves the real command', async () => {
      const b = await start();
      const thread = await b.createThread('Secrets on cards');
      const bearer = randomValue(13, 40);
      const command = `curl -H "Authorization: Bearer ${bearer}" https://api.example.com/deploy`;
      const decision = b.requestApproval(thread, { toolName: 'Bash', input: { command } });
      let card = '';
      await eventually(async () => {
        const found = (await harness.visible(thread)).find((m) => m.buttons.includes('Allow'));
        expect(found).toBeDefined();
        card = found?.text ?? '';
      });
      expect(leakedParts(card, bearer)).toEqual([]);
      expect(normalize(card)).toContain('Authorization: Bearer ‹secret: credential›');
      expect(normalize(card)).toContain(
        'Contains a secret, masked here. Approving approves the real command',
      );
      await harness.taps(thread, 'Allow', harness.owner);
      const result: ApprovalDecision = await decision;
      // Allowed as asked: no edited input, so the agent runs its own command with the real header.
      expect(result).toMatchObject({ behavior: 'allow', scope: 'once' });
      expect('updatedInput' in result).toBe(false);
      expect(approvals).toEqual([{ approved: true }]);
      await eventually(async () => expect(await seen(thread)).toContain('Allowed'));
      expect(leakedParts(await seen(thread), bearer)).toEqual([]);
    });

    it('an edit of a .env file: the diff on the card and its "Show all" never show a secret', async () => {
      const b = await start();
      const thread = await b.createThread('Secrets in edits');
      // Every line changes, so the diff is long enough to be cut on the card (and "Show all" is offered).
      const olds = Array.from({ length: 40 }, (_, i) => randomValue(100 + i, 24));
      const news = Array.from({ length: 40 }, (_, i) => randomValue(200 + i, 24));
      const input = {
        file_path: '/srv/app/.env',
        old_string: olds.map((v, i) => `SERVICE_${i}_TOKEN=${v}`).join('\n'),
        new_string: news.map((v, i) => `SERVICE_${i}_TOKEN=${v}`).join('\n'),
      };
      void b.requestApproval(thread, { toolName: 'Edit', input }).catch(() => undefined);
      let card = '';
      await eventually(async () => {
        const found = (await harness.visible(thread)).find((m) => m.buttons.includes('Show all'));
        expect(found).toBeDefined();
        card = found?.text ?? '';
      });
      expect(normalize(card)).toContain('SERVICE_0_TOKEN=‹secret: token›');
      expect(normalize(card)).toContain('Contains a secret, masked here.');
      const before = (await harness.visible(thread)).length;
      await harness.taps(thread, 'Show all', harness.owner);
      await eventually(async () => expect((await harness.visible(thread)).length).toBeGreaterThan(before));
      const text = await seen(thread);
      for (const value of [...olds, ...news]) expect(leakedParts(text, value)).toEqual([]);
      await harness.taps(thread, 'Deny', harness.owner);
    });

    it('the same secret keeps its mask in a thread; another of the kind is numbered', async () => {
      const b = await start();
      const thread = await b.createThread('Secrets numbered');
      const [one] = secretSamples(16);
      const [two] = secretSamples(17);
      await b.sendOutput(thread, `first ${one?.text}`);
      await b.sendOutput(thread, `second ${two?.text}`);
      await b.sendOutput(thread, `first again ${one?.text}`);
      await eventually(async () => expect(await seen(thread)).toContain('first again'));
      const text = normalize(await seen(thread));
      expect(text).toContain('first GITHUB_TOKEN=ghp_‹secret: GitHub token, 4 chars shown›');
      expect(text).toContain('second GITHUB_TOKEN=ghp_‹secret: GitHub token #2, 4 chars shown›');
      expect(text).toContain('first again GITHUB_TOKEN=ghp_‹secret: GitHub token, 4 chars shown›');
    });

    it('a choice whose question holds a secret is masked and says so', async () => {
      const b = await start();
      const thread = await b.createThread('Secrets in choices');
      const password = randomValue(18, 16);
      void b
        .requestChoice(thread, {
          question: `Use DB_PASSWORD=${password} for staging?`,
          options: ['Yes', 'No'],
        })
        .catch(() => undefined);
      await eventually(async () =>
        expect(normalize(await seen(thread))).toContain('DB_PASSWORD=‹secret: password›'),
      );
      const text = await seen(thread);
      expect(leakedParts(text, password)).toEqual([]);
      expect(normalize(text)).toContain('Contains a secret, masked here.');
      await harness.taps(thread, '2. No', harness.owner);
    });
  });
}
