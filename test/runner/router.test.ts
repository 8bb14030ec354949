import { afterEach, describe, expect, it } from 'vitest';
import { PlatformError } from '../../src/core/errors.js';
import { MemoryBridge } from '../../src/core/memory-bridge.js';
import { BridgeRouter } from '../../src/router.js';

const bridges: MemoryBridge[] = [];
afterEach(async () => {
  await Promise.all(bridges.splice(0).map((b) => b.stop()));
});

describe('BridgeRouter', () => {
  it('a platform that cannot show the card does not block the answer from another', async () => {
    const broken = new MemoryBridge({
      failPosts: { count: 100, error: new PlatformError('memory', 'post', 'down') },
    });
    const working = new MemoryBridge();
    bridges.push(broken, working);
    const router = new BridgeRouter([broken, working]);
    await router.start();
    const [, mine] = await router.openSession('s1', 'Session');
    const decision = router.requestApproval('s1', { toolName: 'Bash', input: { command: 'ls' } });
    await new Promise((r) => setTimeout(r, 50));
    await working.settle();
    await working.userTaps(mine?.threadId ?? '', 'Allow');
    expect((await decision).behavior).toBe('allow');
  });

  it('output reaches every platform, in order', async () => {
    const a = new MemoryBridge();
    const b = new MemoryBridge();
    bridges.push(a, b);
    const router = new BridgeRouter([a, b]);
    await router.start();
    const [ta, tb] = await router.openSession('s1', 'Session');
    await Promise.all([router.sendOutput('s1', 'one'), router.sendOutput('s1', 'two')]);
    expect(a.texts(ta?.threadId ?? '').join('\n')).toMatch(/one[\s\S]*two/);
    expect(b.texts(tb?.threadId ?? '').join('\n')).toMatch(/one[\s\S]*two/);
    expect(() => router.threadsOf('nope')).toThrow(/openSession\(\) first/);
  });
  it('opening a session again after one platform failed reuses the threads the others already made', async () => {
    let failures = 1;
    class FlakyBridge extends MemoryBridge {
      override async createThread(name: string, options?: { directory?: string }) {
        if (failures-- > 0) throw new PlatformError('memory', 'createThread', 'down for a moment');
        return super.createThread(name, options);
      }
    }
    class CountingBridge extends MemoryBridge {
      made: string[] = [];
      override async createThread(name: string, options?: { directory?: string }) {
        const id = await super.createThread(name, options);
        this.made.push(id);
        return id;
      }
    }
    const flaky = new FlakyBridge();
    const working = new CountingBridge();
    bridges.push(flaky, working);
    const router = new BridgeRouter([working, flaky]);
    await router.start();
    await expect(router.openSession('s1', 'Session')).rejects.toThrow(/down for a moment/);
    const [mine, theirs] = await router.openSession('s1', 'Session');
    expect(theirs?.bridge).toBe(flaky);
    // One thread on the platform that worked the first time, not one per try.
    expect(working.made).toEqual([mine?.threadId]);
  });
});
