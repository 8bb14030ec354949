/**
 * Scale benchmark: one bridge with 10,000 threads (MemoryBridge: the engine without a network).
 *
 * - Threads: heap per idle thread, and the cost of creating the last 1,000 threads next to the first 1,000
 *   (unique names are looked up, not found by listing every thread).
 * - Output trickling into all 10,000 threads (one line each, in waves of 100 lines per event-loop turn, 3 rounds):
 *   event-loop lag p99 and max, next to the same with 1,000 threads (the lag must not grow with the threads).
 * - A typed message (a person's "hi", delivered as agent input) with 1,000 and then 10,000 resolved approvals in
 *   the store (their records and audit entries written directly; MemoryStore's retention raised past them), on
 *   MemoryStore and on SqliteStore: the cost must not grow with history (ratio ≤ 1.2).
 * Run: `npx tsx --expose-gc bench/scale.ts` (without --expose-gc the heap figure is rougher).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { MemoryBridge } from '../src/core/memory-bridge.js';
import { MemoryStore } from '../src/core/store/memory.js';
import { SqliteStore } from '../src/core/store/sqlite.js';
import type { Store } from '../src/core/store/types.js';

const THREADS = Number(process.env.THREADS ?? 10_000);
/** Lines arriving at once (in one event-loop turn) while output trickles in. */
const WAVE = Number(process.env.WAVE ?? 100);

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1e6;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

// ---------------------------------------------------------------- 10,000 threads, then output into all of them
async function threadsAndTrickle(count: number) {
  let inputs = 0;
  const bridge = new MemoryBridge({ store: new MemoryStore(), handlers: { onInput: () => void inputs++ } });
  await bridge.start();
  const before = heapMb();
  const threads: string[] = [];
  const batchMs: number[] = [];
  for (let batch = 0; batch < count / 1000; batch++) {
    const started = performance.now();
    // Every thread named alike: each name must be made unique ("Fix tests (2)", ...).
    for (let i = 0; i < 1000; i++) threads.push(await bridge.createThread('Fix tests'));
    batchMs.push(performance.now() - started);
  }
  const perThreadKb = ((heapMb() - before) * 1000) / count;

  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  const sends: Promise<void>[] = [];
  const started = performance.now();
  for (let round = 0; round < 3; round++) {
    // Waves of 250 threads, each wave a line per thread, yielding between waves as an agent's output arrives.
    for (let from = 0; from < threads.length; from += WAVE) {
      for (const thread of threads.slice(from, from + WAVE))
        sends.push(bridge.sendOutput(thread, `round ${round}: compiled \`src/app.ts\` — 12 tests passed`));
      await tick();
    }
  }
  await Promise.all(sends);
  const trickleMs = performance.now() - started;
  lag.disable();
  const delivered = threads.every((t) => bridge.messages(t).some((m) => m.text.includes('round 2')));
  if (!delivered) throw new Error('scale: some output never arrived');
  await bridge.stop();
  return {
    perThreadKb,
    // The first batch also warms the JIT: compare the second with the last.
    firstBatchMs: (batchMs[1] ?? batchMs[0]) as number,
    lastBatchMs: batchMs.at(-1) as number,
    lagP99: lag.percentile(99) / 1e6,
    lagMax: lag.max / 1e6,
    lines: sends.length,
    trickleMs,
  };
}

// ---------------------------------------------------------------- typed messages vs stored approvals
async function typedMessageCost(store: Store) {
  let inputs = 0;
  const bridge = new MemoryBridge({ store, handlers: { onInput: () => void inputs++ } });
  await bridge.start();
  const thread = await bridge.createThread('Busy repo');
  const others = await Promise.all([1, 2, 3].map((i) => bridge.createThread(`Other ${i}`)));
  let stored = 0;
  /** Approvals as a resolved request leaves them in the store, spread over the typing thread and three others. */
  const storeApprovals = (upTo: number) => {
    for (; stored < upTo; stored++) {
      const where = stored % 4 === 0 ? thread : (others[stored % 3] as string);
      const requestId = `bench-${stored}`;
      store.putPending({
        requestId,
        threadId: `memory:${where}`,
        platform: 'memory',
        kind: 'approval',
        requestJson: JSON.stringify({ requestId, toolName: 'Bash', input: { command: `make ${stored}` } }),
        cardJson: '["1"]',
        createdAt: Date.now(),
      });
      store.resolvePending(requestId, JSON.stringify({ behavior: 'allow', scope: 'once' }), Date.now());
      store.audit({
        at: Date.now(),
        platform: 'memory',
        action: 'approval.allow',
        threadId: where,
        requestId,
        detail: 'bench',
      });
    }
  };
  /** Best µs of a typed message over 7 passes of 500 (the least disturbed pass on a shared machine). */
  const measure = async () => {
    let best = Number.POSITIVE_INFINITY;
    for (let pass = 0; pass < 7; pass++) {
      const started = performance.now();
      for (let i = 0; i < 500; i++) await bridge.userSays(thread, `hi ${i}`);
      best = Math.min(best, ((performance.now() - started) * 1000) / 500);
    }
    return best;
  };
  storeApprovals(1000);
  await measure(); // warm
  const at1k = await measure();
  storeApprovals(10_000);
  const at10k = await measure();
  await bridge.stop();
  if (inputs === 0) throw new Error('scale: typed messages never reached onInput');
  return { at1k, at10k };
}

const small = await threadsAndTrickle(THREADS / 10);
const t = await threadsAndTrickle(THREADS);
console.log(`${THREADS} threads on one bridge (MemoryBridge)`);
console.log(`heap per idle thread: ${t.perThreadKb.toFixed(2)} KB`);
console.log(
  `creating 1,000 threads of one name: 2nd thousand ${t.firstBatchMs.toFixed(0)} ms, last ${t.lastBatchMs.toFixed(0)} ms (ratio ${(t.lastBatchMs / t.firstBatchMs).toFixed(2)})`,
);
for (const [n, r] of [
  [THREADS / 10, small],
  [THREADS, t],
] as const)
  console.log(
    `output trickling into ${n} threads (${r.lines} lines in waves of ${WAVE}, ${(r.trickleMs / 1000).toFixed(1)} s): event-loop lag p99 ${r.lagP99.toFixed(0)} ms, max ${r.lagMax.toFixed(0)} ms`,
  );
console.log(`lag p99 ratio ${THREADS} / ${THREADS / 10} threads: ${(t.lagP99 / small.lagP99).toFixed(2)}`);
for (const [name, store] of [
  ['MemoryStore', new MemoryStore({ retainResolved: 20_000, retainAudit: 100_000 })],
  ['SqliteStore', new SqliteStore({ path: ':memory:' })],
] as const) {
  const cost = await typedMessageCost(store);
  console.log(
    `typed message, ${name.padEnd(11)}: ${cost.at1k.toFixed(0)} µs with 1,000 stored approvals, ${cost.at10k.toFixed(0)} µs with 10,000 (ratio ${(cost.at10k / cost.at1k).toFixed(2)}, goal ≤ 1.2)`,
  );
}
