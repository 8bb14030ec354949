import { describe, expect, it } from 'vitest';
import { type CliIo, isLoopbackHost, printWebAccess } from '../../src/cli/terminal.js';

function bufferIo(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: (l) => lines.push(l), interactive: false, env: {} };
}

describe('printWebAccess', () => {
  const url = 'http://192.168.1.20:8787/?token=abcdefghijklmnopqrstuvwxyz012345';

  it('on a LAN address: the URL and a QR code for the phone', () => {
    const io = bufferIo();
    printWebAccess(io, url, '0.0.0.0');
    const text = io.lines.join('\n');
    expect(text).toContain(url);
    expect(text).toMatch(/[▀▄█]{10,}/);
  });

  it('on loopback: no QR code (a phone cannot open 127.0.0.1), but how to let the phone in', () => {
    const io = bufferIo();
    printWebAccess(io, 'http://127.0.0.1:8787/?token=abcdefghijklmnopqrstuvwxyz012345', '127.0.0.1');
    const text = io.lines.join('\n');
    expect(text).toContain('--host 0.0.0.0');
    expect(text).not.toMatch(/[▀▄█]{10,}/);
    expect(isLoopbackHost('127.0.0.2')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
  });
});
