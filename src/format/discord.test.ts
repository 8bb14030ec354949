import { describe, expect, it } from 'vitest';
import { escapeDiscordText, renderDiscordMarkdown } from './discord.js';
import { renderChunks } from './index.js';

describe('renderDiscordMarkdown', () => {
  it('renders Discord markdown', () => {
    expect(renderDiscordMarkdown('# T\n\n**b** _i_ ~~s~~ `c`')).toBe('# T\n\n**b** *i* ~~s~~ `c`');
    expect(renderDiscordMarkdown('```js\nlet a;\n```')).toBe('```js\nlet a;\n```');
    expect(renderDiscordMarkdown('[docs](https://e.example/a_(b))')).toBe(
      '[docs](https://e.example/a_%28b%29)',
    );
  });

  it('pings nobody: mass mentions and mention syntax are broken, code included', () => {
    const out = renderDiscordMarkdown('@everyone @here <@123> <@!1> <@&5> <#9> </cmd:1>\n\n`@everyone <@1>`');
    expect(out).not.toMatch(/@(?:everyone|here)/);
    expect(out).not.toMatch(/<[@#/]/);
  });

  it('escapes markdown in plain text so it shows as written', () => {
    expect(escapeDiscordText('*a* _b_ ~~c~~ `d` |e| [f](g)')).toBe(
      '\\*a\\* \\_b\\_ \\~\\~c\\~\\~ \\`d\\` \\|e\\| \\[f\\](g)',
    );
    expect(escapeDiscordText('# h\n- item\n> q\n1. x')).toBe('\\# h\n\\- item\n\\> q\n1\\. x');
    expect(renderDiscordMarkdown('**not closed')).toBe('\\*\\*not closed');
  });

  it('shows dangerous links as text', () => {
    expect(renderDiscordMarkdown('[x](javascript:alert(1))')).toBe('x');
    expect(renderDiscordMarkdown('https://e.example/x_y')).toBe('<https://e.example/x_y>');
  });

  it('never splits an emoji or a backslash escape at a chunk edge', () => {
    const chunks = renderChunks(`${'😀'.repeat(50)}*`.repeat(40), 'discord', { limit: 101 });
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(101);
      expect(chunk).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
      expect(chunk).not.toMatch(/(?<!\\)(?:\\\\)*\\$/);
    }
  });
});
