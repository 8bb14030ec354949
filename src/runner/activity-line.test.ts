import { describe, expect, it } from 'vitest';
import { activityLine, inlineCode, MAX_ACTIVITY_DETAIL } from './activity-line.js';

describe('activityLine: what a person reads for a tool the agent uses', () => {
  it('shows the tool literally and the detail as code the agent cannot break out of', () => {
    expect(activityLine('Bash', 'npm test')).toBe('🔧 Bash `npm test`');
    expect(activityLine('a*b_c', undefined)).toBe('🔧 a\\*b\\_c');
    expect(activityLine('Bash', 'echo `id` ``x``')).toBe('🔧 Bash ``` echo `id` ``x`` ```');
    expect(inlineCode('two\nlines')).toBe('`two lines`');
    expect(inlineCode('`edge`')).toBe('`` `edge` ``');
  });

  it('cuts long details without splitting an emoji', () => {
    const long = `${'x'.repeat(MAX_ACTIVITY_DETAIL - 2)}😀😀😀`;
    const line = activityLine('Bash', long);
    expect(line.endsWith('…`')).toBe(true);
    expect(line).not.toMatch(/[\uD800-\uDBFF]…/);
  });
});
