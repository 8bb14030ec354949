import { describe, expect, it } from 'vitest';
import { MemoryBridge } from './memory-bridge.js';
import { packMessages } from './outbox.js';

describe('packing rendered output into messages', () => {
  it('fills the newest message first, then as few new messages as the limit allows, in order', () => {
    const packed = packMessages('aaaa', ['bb', 'cc', 'dddddd', 'e'], 10);
    expect(packed.map((m) => [m.text, m.extendsTail])).toEqual([
      ['aaaa\nbb\ncc', true],
      ['dddddd\ne', false],
    ]);
    expect(packMessages(undefined, [], 10)).toEqual([]);
    expect(packMessages('full', ['x'.repeat(10)], 10).map((m) => m.extendsTail)).toEqual([false]);
  });

  it('a code block opened by one output never swallows the next output', async () => {
    const bridge = new MemoryBridge();
    await bridge.start();
    const thread = await bridge.createThread('Repo');
    await Promise.all([
      bridge.sendOutput(thread, '```\nunclosed code'),
      bridge.sendOutput(thread, '**after**'),
    ]);
    const text = bridge.texts(thread).join('\n');
    expect(text).toContain('unclosed code');
    expect(text).toContain('after');
    expect(text).not.toContain('**after**');
    await bridge.stop();
  });
});
