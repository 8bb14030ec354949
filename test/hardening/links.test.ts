/**
 * Hardening (issue 10, items 11 and 12): an agent's output cannot make a link look like it goes somewhere else,
 * and cannot make Telegram-internal links (`tg://user?id=…` inline mentions, `tg://resolve`, `tg://join`).
 * The agent writes through a real bridge; we read what the person sees.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { renderChunks } from '../../src/format/index.js';
import { botMessages, bridgeOn, startFake } from '../telegram/telegram-world.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function telegramThread() {
  const tg = await startFake();
  cleanups.push(() => tg.fake.stop());
  const bridge = bridgeOn(tg);
  await bridge.start();
  cleanups.push(() => bridge.stop());
  const threadId = await bridge.createThread('Links');
  return { tg, bridge, threadId };
}

/** The hrefs of a Telegram message's links, and its visible text. */
function linksOf(html: string): string[] {
  return [...html.matchAll(/<a href="([^"]*)">/g)].map((m) => m[1] ?? '');
}

const DECEPTIVE: readonly [string, string][] = [
  ['a domain inside the label', '[Open github.com/me/repo](https://evil.example/steal)'],
  ['a zero-width space inside https://', '[https\u200b://github.com/me/repo](https://evil.example/steal)'],
  ['a right-to-left mark in the label', '[\u200fgithub.com](https://evil.example/steal)'],
  ['a Cyrillic homoglyph host as the target', '[github.com/me](https://gіthub.com/me)'],
  ['the same host, another path', '[github.com/me/repo](https://github.com/attacker/repo)'],
  ['a fullwidth domain in the label', '[ｇｉｔｈｕｂ.com](https://evil.example/steal)'],
];

describe('deceptive link labels in agent output', () => {
  it('on Telegram, each one shows the real target next to the label', async () => {
    const { tg, bridge, threadId } = await telegramThread();
    for (const [, md] of DECEPTIVE) await bridge.sendOutput(threadId, md);
    const messages = botMessages(tg, threadId);
    const text = messages.map((m) => m.text).join('\n');
    expect(text).toContain('(https://evil.example/steal)');
    expect(text).toContain('(https://github.com/attacker/repo)');
    // The homoglyph host is shown in its punycode form, which cannot pass for github.com.
    expect(text).toMatch(/\(https:\/\/xn--[a-z0-9-]+\.com\/me\)/);
  });

  for (const [what, md] of DECEPTIVE) {
    it(`every platform shows the real target: ${what}`, () => {
      for (const platform of ['telegram', 'slack', 'discord', 'web', 'plain'] as const) {
        const out = renderChunks(md, platform).join('\n');
        const visible = out
          .replace(/\[([^\]]*)\]\(<?https?:[^)]*\)/g, '$1')
          .replace(/<(https?:[^|>]+)\|([^>]*)>/g, '$2')
          .replace(/<(https?:[^>]+)>/g, '$1')
          .replace(/<\/?[a-z][^>]*>/g, '');
        expect(visible, `${platform}: ${out}`).toMatch(
          /\((?:https:\/\/evil\.example\/steal|https:\/\/github\.com\/attacker\/repo|https:\/\/xn--[a-z0-9-]+\.com\/me)\)/,
        );
      }
    });
  }

  it('honest labels stay plain links', () => {
    for (const md of [
      '[the docs](https://example.com/docs)',
      '[example.com/docs](https://example.com/docs/intro)',
      '[github.com/me/repo](https://github.com/me/repo/pull/3)',
      '<https://example.com/a>',
    ]) {
      const [html = ''] = renderChunks(md, 'telegram');
      expect(html, md).not.toContain(' (');
      expect(linksOf(html), md).toHaveLength(1);
    }
  });
});

describe('Telegram-internal links in agent output', () => {
  it('tg:// mentions, resolve and join links, and mailto:, are shown as text, never as links', async () => {
    const { tg, bridge, threadId } = await telegramThread();
    await bridge.sendOutput(
      threadId,
      'Ping [the owner](tg://user?id=1001), see [this bot](tg://resolve?domain=evilbot), ' +
        '[join us](tg://join?invite=AAAA), <tg://user?id=1001>, [mail](mailto:a@b.example) and [docs](https://example.com/docs)',
    );
    const message = await tg.fake.waitFor(
      () => botMessages(tg, threadId).find((m) => m.text.includes('Ping')),
      {
        what: 'the output',
      },
    );
    expect(linksOf(message.html ?? '')).toEqual(['https://example.com/docs']);
    expect(message.html ?? '').not.toMatch(/href="(?!https:)/);
    expect(message.text).toContain('the owner');
  });
});
