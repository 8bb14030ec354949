import { describe, expect, it } from 'vitest';
import { formatToolInput, renderChunks } from './index.js';

describe('links that could deceive', () => {
  it('a link labelled with another address shows its real target on every platform', () => {
    const md = 'Open [https://good.example/login](https://evil.example/steal)';
    for (const platform of ['telegram', 'slack', 'discord', 'web', 'plain'] as const) {
      const [out = ''] = renderChunks(md, platform);
      expect(out, platform).toContain('good.example/login');
      const visible = out
        .replace(/<(https?:[^|>]+)\|([^>]*)>/g, '$2')
        .replace(/<(https?:[^>]+)>/g, '$1')
        .replace(/<\/?[a-z][^>]*>/g, '');
      expect(visible, platform).toMatch(/\(https:\/\/evil\.example\/steal\)/);
    }
  });

  it('a label naming an IP address or localhost, with another target, shows the real target too', () => {
    for (const md of [
      '[10.0.0.1](https://203.0.113.9/login)',
      '[localhost:3000](https://evil.example/)',
      '[http://192.168.1.20:8787/](https://evil.example/)',
      '[[::1]:8080](https://evil.example/)',
    ]) {
      const target = /\((https:[^)]+)\)$/.exec(md)?.[1] ?? '';
      for (const platform of ['telegram', 'slack'] as const) {
        const [out = ''] = renderChunks(md, platform);
        const visible = out.replace(/<(https?:[^|>]+)\|([^>]*)>/g, '$2').replace(/<\/?[a-z][^>]*>/g, '');
        expect(visible, `${md} on ${platform}`).toContain(`(${target})`);
      }
    }
    // Naming its own target, it stays a plain link.
    expect(renderChunks('[10.0.0.1](https://10.0.0.1/)', 'telegram')).toEqual([
      '<a href="https://10.0.0.1/">10.0.0.1</a>',
    ]);
  });

  it('an ordinary label, or one naming its own target, stays a plain link', () => {
    expect(renderChunks('[the docs](https://example.com/docs)', 'telegram')).toEqual([
      '<a href="https://example.com/docs">the docs</a>',
    ]);
    expect(renderChunks('[example.com/docs](https://example.com/docs/)', 'slack')).toEqual([
      '<https://example.com/docs/|example.com/docs>',
    ]);
  });

  it('a plain-text tool description is shown as written, never as a link', () => {
    const { markdown } = formatToolInput('Bash', '[npm test](https://evil.example) **now**');
    const [html = ''] = renderChunks(markdown, 'telegram');
    expect(html.replace(/<\/?[a-z][^>]*>/g, '')).toBe('[npm test](https://evil.example) **now**');
    // Any link left is the bare address itself, never a label hiding it.
    for (const [, href, text] of html.matchAll(/<a href="([^"]*)">([^<]*)<\/a>/g)) expect(text).toBe(href);
  });
});
