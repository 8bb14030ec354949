import { describe, expect, it } from 'vitest';
import { renderChunks } from './index.js';
import { escapeTelegramHtml, renderTelegramHtml } from './telegram.js';
import { telegramVisibleText, validateTelegramHtml } from './telegram-validate.js';

describe('renderTelegramHtml', () => {
  it('renders inline formatting with Telegram tags', () => {
    expect(renderTelegramHtml('**b** _i_ ~~s~~ `c`')).toBe('<b>b</b> <i>i</i> <s>s</s> <code>c</code>');
  });

  it('shows raw HTML written by the agent as text', () => {
    expect(renderTelegramHtml('<b>x</b> & "q"')).toBe('&lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot;');
  });

  it('keeps only http(s) links clickable (agent text cannot make tg:// mentions or joins)', () => {
    expect(renderTelegramHtml('[x](javascript:alert(1))')).toBe('x');
    expect(renderTelegramHtml('[x](https://a.example/?q=1&r=2)')).toBe(
      '<a href="https://a.example/?q=1&amp;r=2">x</a>',
    );
    expect(renderTelegramHtml('[me](tg://user?id=1)')).toBe('me');
  });

  it('turns headings bold, lists into lines, tables into an aligned pre block', () => {
    expect(renderTelegramHtml('# Title\n\n- a\n- b\n\n1. one\n2. two')).toBe(
      '<b>Title</b>\n\n• a\n• b\n\n1. one\n2. two',
    );
    expect(renderTelegramHtml('| name | n |\n|---|--:|\n| ab | 1 |\n| c | 10 |')).toBe(
      '<pre>name   n\n----  --\nab     1\nc     10</pre>',
    );
  });

  it('labels code blocks with their language and nests nothing inside code', () => {
    expect(renderTelegramHtml('```python\nprint("<x>")\n```')).toBe(
      '<pre><code class="language-python">print(&quot;&lt;x&gt;&quot;)</code></pre>',
    );
    expect(renderTelegramHtml('[`code` link](https://e.example)')).toBe(
      '<a href="https://e.example">code link</a>',
    );
  });

  it('shows images as their alt text and address', () => {
    expect(renderTelegramHtml('![diagram](https://e.example/d.png)')).toBe(
      'diagram (https://e.example/d.png)',
    );
  });

  it('flattens nested quotes, which Telegram refuses', () => {
    const html = renderTelegramHtml('> outer\n> > inner');
    expect(html).toBe('<blockquote>outer\n\ninner</blockquote>');
    expect(validateTelegramHtml(html)).toBeUndefined();
  });

  it('renders unbalanced markers as text', () => {
    expect(renderTelegramHtml('**not closed')).toBe('**not closed');
  });

  it('shows the source when the Markdown has nothing visible', () => {
    expect(renderTelegramHtml('[a]: https://e.example')).toBe('[a]: https://e.example');
  });

  it('escapes with the four named entities only', () => {
    expect(escapeTelegramHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;'&amp;'&lt;/a&gt;");
  });
});

describe('validateTelegramHtml', () => {
  it('accepts every documented tag', () => {
    const html =
      '<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>i</ins><s>s</s><strike>s</strike><del>d</del>' +
      '<span class="tg-spoiler">x</span><tg-spoiler>x</tg-spoiler><a href="http://www.example.com/">u</a>' +
      '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji><code>c</code><pre>p</pre>' +
      '<pre><code class="language-python">x</code></pre><blockquote>q</blockquote>' +
      '<blockquote expandable>q</blockquote>&lt;&gt;&amp;&quot;&#128512;&#x1F600;';
    expect(validateTelegramHtml(html)).toBeUndefined();
    expect(telegramVisibleText('<b>a</b> &lt;&#65;')).toBe('a <A');
  });

  it.each([
    ['<div>x</div>', 'Unsupported start tag "div"'],
    ['<b>x', 'Can\'t find end tag corresponding to start tag "b"'],
    ['<b>x</i>', 'Unexpected end tag "i"'],
    ['<b>x<i>y</b></i>', 'Unexpected end tag "b"'],
    ['a &nbsp; b', 'Unsupported HTML entity'],
    ['a & b', 'Unsupported HTML entity'],
    ['a < b', 'Unclosed start tag'],
    ['a > b', 'Unexpected ">"'],
    ['<b class="x">y</b>', 'unsupported attribute "class"'],
    ['<a href="javascript:alert(1)">x</a>', 'must have a valid "href"'],
    ['<span>x</span>', 'must have class "tg-spoiler"'],
    ['<code class="language-js">x</code>', "can't be specified for a standalone"],
    ['<code><b>x</b></code>', 'can\'t be inside "code"'],
    ['<pre><b>x</b></pre>', 'can\'t be inside "pre"'],
    ['<blockquote>a<blockquote>b</blockquote></blockquote>', "can't be nested"],
    ['<a href="https://e.x">a<code>c</code></a>', 'can\'t be inside "a"'],
    ['<b> </b>', 'message text is empty'],
  ])('rejects %s', (html, message) => {
    expect(validateTelegramHtml(html)).toContain(message);
  });

  it('reports the byte offset like Telegram does', () => {
    expect(validateTelegramHtml('é<x>')).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 2',
    );
  });
});

describe('Telegram chunks', () => {
  it('splits a 10,000-line code block into valid pre blocks within 4096 characters', () => {
    const code = Array.from({ length: 10_000 }, (_, i) => `line ${i} <&>`).join('\n');
    const chunks = renderChunks('```ts\n' + code + '\n```', 'telegram');
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(4096);
      expect(validateTelegramHtml(chunk)).toBeUndefined();
      expect(chunk.startsWith('<pre><code class="language-ts">')).toBe(true);
      expect(chunk.endsWith('</code></pre>')).toBe(true);
    }
    expect(chunks.map((chunk) => telegramVisibleText(chunk)).join('\n')).toBe(code);
  });

  it('closes formatting at a split and reopens it in the next chunk', () => {
    const chunks = renderChunks(`**${'bold words '.repeat(30).trim()}**`, 'telegram', { limit: 100 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk).toMatch(/^<b>.*<\/b>$/s);
      expect(validateTelegramHtml(chunk)).toBeUndefined();
    }
  });
});
