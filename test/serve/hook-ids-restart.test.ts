/**
 * A hook request's id is never reused after `serve` restarts. The holder of a bot that crashes and comes back
 * adopts the open cards of its earlier run (several hosts); when the restarted hook source numbered its
 * requests from 1 again, the terminal session's next request got the id of the adopted card's request: no card
 * was shown for it, and a tap on the old card ("ls") answered the new request ("rm -rf build").
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBridge } from '../../src/core/memory-bridge.js';
import { MemoryStore } from '../../src/core/store/memory.js';
import { BridgeRouter } from '../../src/router.js';
import { MemorySessionBus } from '../../src/serve/bus.js';
import { HookSessions } from '../../src/serve/hook-source.js';
import { SessionHub } from '../../src/serve/hub.js';

const SESSION = 'abcd1234-5678-4000-8000-00000000feed';
const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

function permission(command: string): Record<string, unknown> {
  return {
    session_id: SESSION,
    transcript_path: `/nonexistent/${SESSION}.jsonl`,
    cwd: '/work/shop',
    hook_event_name: 'PermissionRequest',
    tool_name: 'Bash',
    tool_input: { command },
  };
}

/** One run of the holder: a bridge, the hub adopting open cards, the hook source — all on the shared store. */
async function run(store: MemoryStore) {
  const bus = new MemorySessionBus();
  const bridge = new MemoryBridge({ store });
  await bridge.start();
  const hub = new SessionHub({ router: new BridgeRouter([bridge]), bus, store, adoptOpenCards: true });
  hub.noteOpenRequests();
  hub.start();
  const hooks = new HookSessions({ bus, store, isKnown: (key) => hub.has(key) });
  hooks.start();
  const controller = new AbortController();
  stops.push(async () => {
    controller.abort();
    hooks.stop();
    hub.stop();
    await bridge.stop();
  });
  return { bridge, hooks, signal: controller.signal };
}

async function cardShowing(bridge: MemoryBridge, text: string) {
  for (let i = 0; i < 200; i++) {
    await bridge.settle();
    for (const thread of bridge.listThreads()) {
      const card = bridge
        .messages(thread.platformRef)
        .find((m) => m.text.includes(text) && (m.buttons ?? []).flat().length > 0);
      if (card) return { thread: thread.platformRef, card };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

describe('hook request ids across a restart', () => {
  it("the terminal session's next request gets its own card, and only its own card answers it", async () => {
    const store = new MemoryStore();
    const first = await run(store);
    void first.hooks.handle('PermissionRequest', permission('ls'), first.signal);
    expect(await cardShowing(first.bridge, 'ls')).toBeDefined();
    // The holder dies without stopping (its open card stays in the store), and comes back.
    const second = await run(store);
    const answer = second.hooks.handle('PermissionRequest', permission('rm -rf build'), second.signal);
    const shown = await cardShowing(second.bridge, 'rm -rf build');
    expect(shown, 'a card for the new request').toBeDefined();
    if (!shown) return;
    await second.bridge.userTaps(shown.thread, 'Deny');
    expect(await answer).toMatchObject({ hookSpecificOutput: { decision: { behavior: 'deny' } } });
  });
});
