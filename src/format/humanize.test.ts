import { describe, expect, it } from 'vitest';
import { formatToolInput, formatToolInputFull, humanizeEnumValue, humanizeKey } from './humanize.js';
import { renderPlainText } from './plain.js';
import { renderTelegramHtml } from './telegram.js';

describe('humanizeKey', () => {
  it('leaves one-word keys alone', () => {
    expect(humanizeKey('command')).toBe('command');
    expect(humanizeKey('path')).toBe('path');
  });
  it('turns snake_case into a sentence with acronyms upper-cased', () => {
    expect(humanizeKey('file_path')).toBe('File path');
    expect(humanizeKey('session_id')).toBe('Session ID');
    expect(humanizeKey('api_key')).toBe('API key');
    expect(humanizeKey('mcp_server_url')).toBe('MCP server URL');
  });
  it('handles camelCase keys too', () => {
    expect(humanizeKey('sessionId')).toBe('Session ID');
  });
});

describe('humanizeEnumValue', () => {
  it('humanizes snake_case enum values only', () => {
    expect(humanizeEnumValue('running')).toBe('running');
    expect(humanizeEnumValue('files_with_matches')).toBe('Files with matches');
    expect(humanizeEnumValue('user_id')).toBe('User ID');
    expect(humanizeEnumValue('/tmp/my_file.txt')).toBe('/tmp/my_file.txt');
    expect(humanizeEnumValue('Some_Thing')).toBe('Some_Thing');
  });
});

describe('formatToolInput', () => {
  it('shows a command as a bash code block and a path as inline code', () => {
    const { markdown, truncated } = formatToolInput('Bash', { command: 'ls -la', path: '/tmp' });
    expect(truncated).toBe(false);
    expect(renderTelegramHtml(markdown)).toBe(
      '<b>Command:</b>\n\n<pre><code class="language-bash">ls -la</code></pre>\n\n<b>Path:</b> <code>/tmp</code>',
    );
  });

  it('returns free text as it is and parses JSON strings', () => {
    expect(formatToolInput('X', 'plain text').markdown).toBe('plain text');
    expect(renderPlainText(formatToolInput('X', '{"output_mode":"files_with_matches"}').markdown)).toBe(
      'Output mode: Files with matches',
    );
    expect(formatToolInput('X', undefined)).toEqual({ markdown: '', truncated: false });
  });

  it('cuts long values and says so', () => {
    const { markdown, truncated } = formatToolInput('X', { data: 'x'.repeat(500) }, { maxValueLength: 100 });
    expect(truncated).toBe(true);
    expect(renderPlainText(markdown)).toBe(`Data: ${'x'.repeat(100)}…`);
  });

  it('keeps to the total budget and notes the fields left out', () => {
    const input = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`field_${i}`, 'v'.repeat(80)]));
    const { markdown, truncated } = formatToolInput('X', input, { maxTotalLength: 500 });
    expect(truncated).toBe(true);
    expect(markdown.length).toBeLessThan(540);
    expect(renderPlainText(markdown)).toMatch(/… \(truncated\)$/);
    expect(formatToolInputFull('X', input)).toContain('Field 49');
  });

  it('never lets a value close its code block', () => {
    const evil = 'echo hi\n```\n**not bold** <b>x</b> @everyone';
    const { markdown } = formatToolInput('Bash', { command: evil });
    expect(renderPlainText(markdown)).toBe(`Command:\n\n${evil}`);
    expect(renderTelegramHtml(markdown)).toContain(
      '<pre><code class="language-bash">echo hi\n```\n**not bold** &lt;b&gt;',
    );
  });

  it('shows markdown in plain values as written', () => {
    const { markdown } = formatToolInput('Grep', { pattern: '**/*.ts', glob: '[a](javascript:x)' });
    expect(renderPlainText(markdown)).toBe('Pattern: **/*.ts\nGlob: [a](javascript:x)');
  });

  it('picks the code language from the file extension', () => {
    const { markdown } = formatToolInput('Write', { file_path: '/a/b.py', content: 'print(1)' });
    expect(markdown).toContain('```python\nprint(1)\n```');
  });

  it('shows nested objects as JSON', () => {
    const { markdown } = formatToolInput('X', { options: { a: [1, 2] } });
    expect(renderPlainText(markdown)).toBe('Options: {"a":[1,2]}');
  });
});
