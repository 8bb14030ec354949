import { describe, expect, it } from 'vitest';
import { secretSamples } from '../../../test/support/secret-corpus.js';
import { MemoryBridge } from '../memory-bridge.js';
import { OutgoingSecrets } from './outgoing.js';

const [github] = secretSamples(51);
const token = github?.text.split('=')[1] ?? '';

describe('OutgoingSecrets', () => {
  it('audit records keep no secret in their free text', () => {
    const secrets = new OutgoingSecrets();
    const entry = secrets.audit({ action: 'tap.invalid', threadId: 't1', detail: `payload ${token}` });
    expect(entry).toEqual({
      action: 'tap.invalid',
      threadId: 't1',
      detail: 'payload ghp_‹secret: GitHub token, 4 chars shown›',
    });
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
});
