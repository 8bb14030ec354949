import { describe, expect, it } from 'vitest';
import { secretSamples } from '../../../test/support/secret-corpus.js';
import { MemoryBridge } from '../memory-bridge.js';
import { OutgoingSecrets } from './outgoing.js';

const [github] = secretSamples(51);
const token = github?.text.split('=')[1] ?? '';

describe('OutgoingSecrets', () => {
  it('audit records keep no secret in their free text, however often the same text comes', async () => {
    const bridge = new MemoryBridge({ allowedUserIds: ['user-1'] });
    await bridge.start();
    try {
      const thread = await bridge.createThread('Repo');
      const stranger = { id: 'evil', name: `mallory ${token}`, platform: 'memory' };
      // Twice: the second record must not take a shortcut that skips masking.
      await bridge.userSays(thread, 'hi', stranger);
      await bridge.userSays(thread, 'hi', stranger);
      const refused = bridge.auditLog().filter((e) => e.action === 'auth.refused');
      expect(refused.map((e) => e.userName)).toEqual([
        'mallory ghp_‹secret: GitHub token, 4 chars shown›',
        'mallory ghp_‹secret: GitHub token, 4 chars shown›',
      ]);
      expect(JSON.stringify(bridge.auditLog())).not.toContain(token);
    } finally {
      await bridge.stop();
    }
  });

  it('a text is masked the same way the second time (clean texts are remembered, secrets never)', () => {
    const secrets = new OutgoingSecrets();
    const clean = 'rule config-1 (allow Bash echo*)';
    expect(secrets.text('t1', clean)).toBe(clean);
    expect(secrets.text('t1', clean)).toBe(clean);
    const dirty = `payload ${token}`;
    expect(secrets.text('t1', dirty)).toBe('payload ghp_‹secret: GitHub token, 4 chars shown›');
    expect(secrets.text('t1', dirty)).toBe('payload ghp_‹secret: GitHub token, 4 chars shown›');
  });

  it('files: a text file and its name are masked; an image is sent as it is', () => {
    const secrets = new OutgoingSecrets();
    const text = secrets.file('t1', {
      fileName: `${token}.txt`,
      content: new TextEncoder().encode(`x ${token}`),
    });
    expect(text.fileName).toBe('ghp_‹secret: GitHub token, 4 chars shown›.txt');
    expect(Buffer.from(text.content).toString('utf8')).toBe('x ghp_‹secret: GitHub token, 4 chars shown›');
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, ...new TextEncoder().encode(token)]);
    expect(secrets.file('t1', { fileName: 'chart.png', content: png, kind: 'photo' }).content).toBe(png);
  });

  it('turned off, everything passes as it is', () => {
    const secrets = new OutgoingSecrets({ enabled: false });
    expect(secrets.enabled).toBe(false);
    expect(secrets.text('t1', github?.text ?? '')).toBe(github?.text);
  });

  it('a bridge: the audit log holds the masked text, and a thread removed forgets its numbering', async () => {
    const bridge = new MemoryBridge({ allowedUserIds: ['owner'] });
    await bridge.start();
    const thread = await bridge.createThread('audit');
    // A forged button payload carrying a secret is audited (tap.invalid) with the payload's first characters.
    await bridge.userTaps(
      thread,
      { payload: `x:${token}` },
      { id: 'owner', name: 'olivia', platform: 'memory' },
    );
    const invalid = bridge.auditLog().find((e) => e.action === 'tap.invalid');
    expect(invalid?.detail).toBe('x:ghp_‹secret: GitHub token, 4 chars shown›');
    await bridge.stop();
  });
  it('a key printed a line at a time: indented lines are masked too; after a cut-off key, words and empty output pass', () => {
    const secrets = new OutgoingSecrets();
    const body = 'MIIEowIBAAKCAQEA7bq8ZLkQ2nV0m1Yx3Jp4Wd8Rt6Hs5Gf2Lk9Pq0Ua3Ic7Oe1'; // base64, 64 chars
    const sent = [
      '-----BEGIN RSA PRIVATE KEY-----',
      `    ${body}`, // indented, as in a YAML block
      `    ${body.slice(0, 40)}==`,
      '    -----END RSA PRIVATE KEY-----',
    ].map((line) => secrets.output('t1', line));
    expect(sent.join('\n')).not.toContain(body.slice(0, 24));
    // A key cut off (by `head`): what follows is other output, shown as it is.
    secrets.output('t2', '-----BEGIN PRIVATE KEY-----');
    expect(['Finished', 'Deployment', ''].map((line) => secrets.output('t2', line))).toEqual([
      'Finished',
      'Deployment',
      '',
    ]);
  });
});
