import { describe, expect, it } from 'vitest';
import { renderChunks } from './index.js';
import { escapeSlackText, renderSlackMrkdwn } from './slack.js';

describe('renderSlackMrkdwn', () => {
  it('renders Slack mrkdwn formatting', () => {
    expect(renderSlackMrkdwn('**b** _i_ ~~s~~ `c`\n\n> quoted\n> lines')).toBe(
      '*b* _i_ ~s~ `c`\n\n> quoted\n> lines',
    );
    expect(renderSlackMrkdwn('```\nx = 1\n```')).toBe('```\nx = 1\n```');
  });

  it('cannot be made to mention a channel, a person or a group', () => {
    const out = renderSlackMrkdwn('<!channel> <!here> <@U123> <#C1> <!subteam^S1> @channel @here');
    expect(out).not.toMatch(/<[!@#]/);
    expect(out).toBe(
      '&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;#C1&gt; &lt;!subteam^S1&gt; @\u200bchannel @\u200bhere',
    );
  });

  it('escapes inside code too, where Slack still parses entities', () => {
    expect(renderSlackMrkdwn('`<!channel>`')).toBe('`&lt;!channel&gt;`');
    expect(renderSlackMrkdwn('```\n<@U1> & ``` end\n```')).toBe(
      '```\n&lt;@U1&gt; &amp; `\u200b`\u200b` end\n```',
    );
  });

  it('makes links only from real http(s) links', () => {
    expect(renderSlackMrkdwn('[docs](https://e.example/a?b=1&c=2)')).toBe(
      '<https://e.example/a?b=1&amp;c=2|docs>',
    );
    expect(renderSlackMrkdwn('[x](javascript:alert(1))')).toBe('x');
    expect(renderSlackMrkdwn('[x](mailto:a@b.c)')).toBe('x');
    // A Markdown autolink is a real link: its whole address is shown, so no fake label can hide it.
    expect(renderSlackMrkdwn('<https://evil.example|click>')).toBe(
      '<https://evil.example%7Cclick|https://evil.example|click>',
    );
    expect(renderSlackMrkdwn('[a|b>c](https://e.example/x|y)')).toBe('<https://e.example/x%7Cy|a|b&gt;c>');
  });

  it('escapes &, < and >', () => {
    expect(escapeSlackText('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
  });

  it('keeps a link whole when splitting, reopening it around the rest of its label', () => {
    const chunks = renderChunks(`[${'word '.repeat(30).trim()}](https://e.example)`, 'slack', { limit: 64 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk).toMatch(/^<https:\/\/e\.example\|[a-z ]+>$/);
  });
});
