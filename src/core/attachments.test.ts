import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAgentFile, saveAttachment } from './attachments.js';

describe('attachments', () => {
  it('property: whatever the name, the file lands directly inside the attachment dir', () => {
    const root = mkdtempSync(join(tmpdir(), 'attach-'));
    const dir = join(root, 'session', 'attachments');
    const names = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.constantFrom(
        '../../etc/passwd',
        '..',
        '.',
        '/abs/path.png',
        '..\\..\\win.ini',
        '.bashrc',
        'a/../../b',
        '\u0000x',
        'CON',
        '~/x',
        '$(rm -rf).txt',
      ),
      fc
        .array(fc.constantFrom('..', '/', '\\', '.', 'a', '\u202e', '%2e', ' '), { maxLength: 20 })
        .map((p) => p.join('')),
    );
    fc.assert(
      fc.property(names, (name) => {
        const saved = saveAttachment(dir, name, Buffer.from('x'));
        expect(path.dirname(saved)).toBe(path.resolve(dir));
        expect(path.basename(saved)).not.toMatch(/^\./);
        expect(existsSync(saved)).toBe(true);
      }),
      { numRuns: 500 },
    );
    expect(readdirSync(root)).toEqual(['session']);
  });

  it('refuses a file over the size limit with the fix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'attach-'));
    expect(() => saveAttachment(dir, 'big.bin', Buffer.alloc(11), { maxBytes: 10 })).toThrow(
      /more than the 10 allowed\. Fix:/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it("an agent's file is sent only from inside its directory; images become photos", () => {
    const cwd = mkdtempSync(join(tmpdir(), 'agent-'));
    mkdirSync(join(cwd, 'out'));
    writeFileSync(join(cwd, 'out', 'chart.png'), Buffer.from([0x89, 0x50]));
    expect(readAgentFile(cwd, 'out/chart.png')).toMatchObject({ fileName: 'chart.png', kind: 'photo' });
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'no');
    symlinkSync(join(outside, 'secret.txt'), join(cwd, 'link.txt'));
    expect(() => readAgentFile(cwd, join(outside, 'secret.txt'))).toThrow(/outside its directory/);
    expect(() => readAgentFile(cwd, 'link.txt')).toThrow(/outside its directory/);
    expect(() => readAgentFile(cwd, 'missing.txt')).toThrow(/does not exist/);
  });
});
