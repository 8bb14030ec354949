/**
 * Secret masking on Telegram beyond the contract suite: the whole diff "Show all" uploads as a `.diff` document
 * is masked too (its name and content), and a bridge with masking turned off says so at start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TelegramBridge } from '../../src/telegram/index.js';
import { leakedParts } from '../contract/secret-masking-contract.js';
import { prng, secretSamples } from '../support/secret-corpus.js';
import { botMessages, bridgeOn, type FakeWorld, startFake, tap, waitForButton } from './telegram-world.js';

let world: FakeWorld | undefined;
let bridge: TelegramBridge | undefined;

afterEach(async () => {
  await bridge?.stop();
  await world?.fake.stop();
  bridge = undefined;
  world = undefined;
});

describe('secret masking on Telegram', () => {
  it('the .diff document of "Show all" holds no secret: every format masked in its content', async () => {
    world = await startFake();
    bridge = bridgeOn(world);
    await bridge.start();
    const thread = await bridge.createThread('Secrets in a diff', { directory: '/nonexistent/repo' });
    const samples = secretSamples(21);
    const filler = Array.from({ length: 60 }, (_, i) => `line ${i}`);
    const decision = bridge.requestApproval(thread, {
      toolName: 'Write',
      input: {
        file_path: '/nonexistent/repo/config/secrets.env',
        content: [...filler, ...samples.map((s) => s.text)].join('\n'),
      },
    });
    const card = await waitForButton(world, thread, 'Show all');
    expect(card.text).toContain('+++ b/config/secrets.env');
    await tap(world, thread, 'Show all');
    const file = await world.fake.waitFor(
      () => botMessages(world as FakeWorld, thread).find((m) => m.document),
      {
        what: 'the .diff document',
      },
    );
    const sent = file.document?.content.toString('utf8') ?? '';
    expect(sent).toContain('+line 59');
    for (const sample of samples) {
      expect(leakedParts(sent, sample.secret), sample.format).toEqual([]);
      expect(sent, sample.format).toContain(`‹secret: ${sample.label}`);
    }
    await tap(world, thread, 'Deny');
    expect(await decision).toMatchObject({ behavior: 'deny' });
  });

  it('turned off, output goes as is and the bridge logs a warning at start', async () => {
    world = await startFake();
    const warnings: string[] = [];
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (_o: unknown, message?: string) => void warnings.push(message ?? ''),
      error: () => undefined,
    };
    bridge = bridgeOn(world, { secretMasking: { enabled: false }, logger });
    await bridge.start();
    expect(warnings.some((w) => w.startsWith('secret masking is off'))).toBe(true);
    const thread = await bridge.createThread('Unmasked');
    const r = prng(22);
    const token = `ghp_${Array.from({ length: 36 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(r() * 36)]).join('')}`;
    await bridge.sendOutput(thread, `GITHUB_TOKEN=${token}`);
    expect(botMessages(world, thread).map((m) => m.text)).toContain(`GITHUB_TOKEN=${token}`);
  });
});
