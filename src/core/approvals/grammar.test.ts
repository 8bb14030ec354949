import { describe, expect, it } from 'vitest';
import { parseApprovalText, parseChoiceText } from './grammar.js';

describe('approval text grammar (the seed)', () => {
  it.each(['allow', 'approve', 'yes', 'proceed', 'continue', 'start', 'go', 'ok', 'okay', 'ALLOW', ' Yes '])(
    '"%s" allows once',
    (text) => {
      expect(parseApprovalText(text)).toEqual({ allow: true });
    },
  );
  it.each(['deny', 'reject', 'no', 'cancel', 'stop', 'abort', 'NO'])('"%s" denies', (text) => {
    expect(parseApprovalText(text)).toEqual({ allow: false });
  });
  it.each([
    ['deny: wrong branch', 'wrong branch'],
    ['reject: not now', 'not now'],
    ['no: use staging', 'use staging'],
    ['Deny:   spaced out  ', 'spaced out'],
    ['deny use the other db', 'use the other db'],
    ['reject too risky', 'too risky'],
  ])('"%s" denies with a reason', (text, reason) => {
    expect(parseApprovalText(text)).toEqual({ allow: false, reason });
  });
  it('"deny:" without a reason is a plain deny', () => {
    expect(parseApprovalText('deny:')).toEqual({ allow: false });
  });
  it('timers: allow all, allow dir, allow <Tool> keeps the tool case', () => {
    expect(parseApprovalText('allow all')).toEqual({ allow: true, timer: 'all' });
    expect(parseApprovalText('Allow Dir')).toEqual({ allow: true, timer: 'dir' });
    expect(parseApprovalText('allow Bash')).toEqual({ allow: true, timer: { tool: 'Bash' } });
    expect(parseApprovalText('allow mcp__github__create_issue')).toEqual({
      allow: true,
      timer: { tool: 'mcp__github__create_issue' },
    });
  });
  it('"allow" followed by more than a tool name is a message, not consent', () => {
    expect(parseApprovalText('allow only read-only commands please')).toBeUndefined();
    expect(parseApprovalText('allow it but be careful')).toBeUndefined();
  });

  it('other text is not an answer', () => {
    for (const text of [
      'please add tests',
      'no way this works, try again later?!'.replace('no way', 'nope'),
      'allowance',
      '',
    ]) {
      expect(parseApprovalText(text)).toBeUndefined();
    }
  });
  it('choices by 1-based number or case-insensitive label', () => {
    const options = [{ label: 'SQLite' }, { label: 'Postgres' }];
    expect(parseChoiceText('1', options)).toBe(0);
    expect(parseChoiceText('2', options)).toBe(1);
    expect(parseChoiceText('3', options)).toBeUndefined();
    expect(parseChoiceText('0', options)).toBeUndefined();
    expect(parseChoiceText('postgres', options)).toBe(1);
    expect(parseChoiceText('mysql', options)).toBeUndefined();
  });
});
