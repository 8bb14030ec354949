import { describe, expect, it } from 'vitest';
import { renderWebHtml } from './web.js';

describe('renderWebHtml', () => {
  it('renders whitelisted tags only', () => {
    expect(renderWebHtml('# T\n\n**b** *i* ~~s~~ `c`  \nnext')).toBe(
      '<p><strong>T</strong></p>\n<p><strong>b</strong> <em>i</em> <del>s</del> <code>c</code><br>\nnext</p>',
    );
    expect(renderWebHtml('- a\n- b')).toBe('<ul><li><p>a</p></li><li><p>b</p></li></ul>');
  });

  it('escapes raw HTML and drops unsafe links', () => {
    expect(
      renderWebHtml('<img src=x onerror=alert(1)> [x](javascript:alert(1)) [y](data:text/html,hi)'),
    ).toBe('<p>&lt;img src=x onerror=alert(1)&gt; x y</p>');
  });

  it('opens http(s) links safely in a new tab', () => {
    expect(renderWebHtml('[a](https://e.example/?x=1&y=2)')).toBe(
      '<p><a href="https://e.example/?x=1&amp;y=2" rel="noopener noreferrer" target="_blank">a</a></p>',
    );
    expect(renderWebHtml('[a](https://e.example/"onmouseover=x)')).toBe('<p>a</p>');
  });
});
