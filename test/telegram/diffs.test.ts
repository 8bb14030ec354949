import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TelegramBridge } from '../../src/telegram/index.js';
import { botMessages, bridgeOn, type FakeWorld, startFake, tap, waitForButton } from './telegram-world.js';

let world: FakeWorld;
let bridge: TelegramBridge;

beforeEach(async () => {
  world = await startFake();
  bridge = bridgeOn(world);
  await bridge.start();
});

afterEach(async () => {
  await bridge.stop();
  await world.fake.stop();
});

describe('diffs on Telegram cards', () => {
  it('an Edit card shows a unified diff in a language-diff code block, with the file in context', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'diff-'));
    writeFileSync(join(dir, 'app.ts'), 'const a = 1;\nconst b = 2;\nexport { a, b };\n');
    const thread = await bridge.createThread('Diff', { directory: dir });
    const decision = bridge.requestApproval(thread, {
      toolName: 'Edit',
      input: { file_path: join(dir, 'app.ts'), old_string: 'const b = 2;', new_string: 'const b = 3;' },
    });
    const card = await waitForButton(world, thread, 'Allow');
    expect(card.html).toContain('<pre><code class="language-diff">');
    expect(card.text).toContain('--- a/app.ts\n+++ b/app.ts');
    expect(card.text).toContain('-const b = 2;\n+const b = 3;');
    expect(card.text).toContain(' const a = 1;');
    expect(card.text).not.toContain('old_string');
    expect(card.buttons.flat()).not.toContain('Show all');
    await tap(world, thread, 'Allow');
    await decision;
  });

  it('a long Write diff is cut on the card, and Show all sends the whole diff as a .diff file', async () => {
    const thread = await bridge.createThread('Long diff', { directory: '/nonexistent/repo' });
    const content = Array.from({ length: 200 }, (_, i) => `line ${i} <b>&amp;</b>`).join('\n');
    const decision = bridge.requestApproval(thread, {
      toolName: 'Write',
      input: { file_path: '/nonexistent/repo/src/big.txt', content: `${content}\nLAST-LINE` },
    });
    const card = await waitForButton(world, thread, 'Show all');
    expect(card.text).toContain('+++ b/src/big.txt');
    expect(card.text).toContain('+line 0 <b>&amp;</b>');
    expect(card.text).not.toContain('LAST-LINE');
    expect((await tap(world, thread, 'Show all'))?.text).toBe('The whole diff is attached below.');
    const file = await world.fake.waitFor(() => botMessages(world, thread).find((m) => m.document), {
      what: 'the .diff document',
    });
    expect(file.document).toMatchObject({ fileName: 'big.txt.diff', kind: 'document' });
    const sent = file.document!.content.toString('utf8');
    expect(sent).toMatch(/^--- \/dev\/null\n\+\+\+ b\/src\/big.txt\n@@ -0,0 \+1,201 @@\n/);
    expect(sent).toContain('+LAST-LINE');
    // The request is still open: Show all decides nothing.
    await tap(world, thread, 'Deny');
    expect(await decision).toMatchObject({ behavior: 'deny' });
  });
});
