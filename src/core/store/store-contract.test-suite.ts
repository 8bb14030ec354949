// Over 400 lines: one contract suite; each describe block is one part of the Store interface, kept together so a custom Store runs it in one call.
/**
 * The contract every {@link Store} must honour, as a reusable vitest suite. Not a test file itself:
 * `store.test.ts` runs it against MemoryStore and SqliteStore; a custom Store can run it too.
 * @module
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TetherError } from '../errors.js';
import type { Store, StoredPending, StoredThread } from './types.js';

/** Options of {@link describeStoreContract}. */
export interface StoreContractOptions {
  /**
   * Closes `store` and opens the same storage again. When given, the durability tests run
   * (pending approvals, threads, timers, pairings and audit survive a restart).
   */
  readonly reopen?: (store: Store) => Store;
}

const thread = (threadId: string, overrides: Partial<StoredThread> = {}): StoredThread => ({
  threadId,
  name: `Repo ${threadId}`,
  platform: 'telegram',
  platformRef: `ref-${threadId}`,
  createdAt: 1000,
  ...overrides,
});

const pending = (
  requestId: string,
  threadId: string,
  overrides: Partial<StoredPending> = {},
): StoredPending => ({
  requestId,
  threadId,
  platform: 'telegram',
  kind: 'approval',
  requestJson: JSON.stringify({ requestId, toolName: 'Bash', input: { command: 'rm -rf build' } }),
  cardJson: '[]',
  createdAt: 2000,
  ...overrides,
});

const allowBy = (name: string): string =>
  JSON.stringify({ behavior: 'allow', scope: 'once', by: { type: 'user', user: { id: name, name } } });

/**
 * Registers the Store contract tests under `describe(name)`.
 * @param name - Shown in the test report, e.g. `SqliteStore`.
 * @param makeStore - Creates a fresh, empty store for one test. The suite closes it afterwards.
 * @param options - Optional capabilities of the store under test.
 */
export function describeStoreContract(
  name: string,
  makeStore: () => Store,
  options: StoreContractOptions = {},
): void {
  describe(`${name} honours the Store contract`, () => {
    const open: Store[] = [];
    const fresh = (): Store => {
      const store = makeStore();
      open.push(store);
      return store;
    };
    const reopen = (store: Store): Store => {
      const again = options.reopen!(store);
      open.push(again);
      return again;
    };
    afterEach(() => {
      for (const store of open.splice(0)) store.close();
    });

    describe('threads', () => {
      it('keeps a thread with its name, platform reference and directory', () => {
        const store = fresh();
        store.putThread(thread('t1', { directory: '/home/me/repo' }));
        store.putThread(thread('t2'));
        expect(store.getThread('t1')).toEqual(thread('t1', { directory: '/home/me/repo' }));
        expect(store.getThread('t2')).toEqual(thread('t2'));
        expect(store.getThread('t2')).not.toHaveProperty('directory');
        expect(store.getThread('missing')).toBeUndefined();
      });

      it('finds a thread by its platform reference, only on that platform', () => {
        const store = fresh();
        store.putThread(thread('t1', { platform: 'slack', platformRef: '1712.0001' }));
        expect(store.findThreadByRef('slack', '1712.0001')?.threadId).toBe('t1');
        expect(store.findThreadByRef('discord', '1712.0001')).toBeUndefined();
        expect(store.findThreadByRef('slack', '1712.0002')).toBeUndefined();
      });

      it('finds the oldest thread of a platform by its exact name (for unique names without listing)', () => {
        const store = fresh();
        store.putThread(thread('t2', { name: 'Repo', createdAt: 2000 }));
        store.putThread(thread('t1', { name: 'Repo', createdAt: 1000 }));
        store.putThread(thread('s1', { name: 'Repo', platform: 'slack' }));
        expect(store.findThreadByName('telegram', 'Repo')?.threadId).toBe('t1');
        expect(store.findThreadByName('slack', 'Repo')?.threadId).toBe('s1');
        expect(store.findThreadByName('telegram', 'repo')).toBeUndefined();
        expect(store.findThreadByName('discord', 'Repo')).toBeUndefined();
        store.putThread(thread('t1', { name: 'Renamed', createdAt: 1000 }));
        expect(store.findThreadByName('telegram', 'Repo')?.threadId).toBe('t2');
        store.deleteThread('t2');
        expect(store.findThreadByName('telegram', 'Repo')).toBeUndefined();
        expect(store.findThreadByName('telegram', 'Renamed')?.threadId).toBe('t1');
      });

      it('lists threads oldest first, optionally of one platform', () => {
        const store = fresh();
        store.putThread(thread('late', { createdAt: 3000, platform: 'slack' }));
        store.putThread(thread('early', { createdAt: 1000 }));
        store.putThread(thread('middle', { createdAt: 2000 }));
        expect(store.listThreads().map((t) => t.threadId)).toEqual(['early', 'middle', 'late']);
        expect(store.listThreads('telegram').map((t) => t.threadId)).toEqual(['early', 'middle']);
        expect(store.listThreads('web')).toEqual([]);
      });

      it('replaces a thread put again under the same id', () => {
        const store = fresh();
        store.putThread(thread('t1', { directory: '/a' }));
        store.putThread(thread('t1', { name: 'Renamed', platformRef: 'ref-new' }));
        expect(store.getThread('t1')).toEqual(thread('t1', { name: 'Renamed', platformRef: 'ref-new' }));
        expect(store.listThreads()).toHaveLength(1);
        expect(store.findThreadByRef('telegram', 'ref-t1')).toBeUndefined();
      });

      it('removeThread clears every trace: the thread, its pending requests and its timers', () => {
        const store = fresh();
        store.putThread(thread('gone'));
        store.putThread(thread('kept'));
        store.putPending(pending('r-open', 'gone'));
        store.putPending(pending('r-done', 'gone'));
        store.resolvePending('r-done', allowBy('ann'), 2500);
        store.putPending(pending('r-other', 'kept'));
        store.putTimer({ threadId: 'gone', scope: 'all', key: '', expiresAt: 9000 });
        store.putTimer({ threadId: 'kept', scope: 'tool', key: 'Bash', expiresAt: 9000 });
        store.audit({ at: 1, platform: 'telegram', action: 'approval.allow', threadId: 'gone' });

        store.deleteThread('gone');

        expect(store.getThread('gone')).toBeUndefined();
        expect(store.findThreadByRef('telegram', 'ref-gone')).toBeUndefined();
        expect(store.getPending('r-open')).toBeUndefined();
        expect(store.getPending('r-done')).toBeUndefined();
        expect(store.listPending('gone')).toEqual([]);
        expect(store.listTimers('gone')).toEqual([]);
        // Other threads keep their state; the audit log is append-only.
        expect(store.getThread('kept')).toBeDefined();
        expect(store.listPending().map((p) => p.requestId)).toEqual(['r-other']);
        expect(store.listTimers()).toEqual([
          { threadId: 'kept', scope: 'tool', key: 'Bash', expiresAt: 9000 },
        ]);
        expect(store.listAudit({ threadId: 'gone' })).toHaveLength(1);
      });
    });

    describe('pending requests', () => {
      it('keeps a request and lists only unresolved ones, oldest first', () => {
        const store = fresh();
        store.putPending(pending('r2', 't1', { createdAt: 3000, expiresAt: 60_000 }));
        store.putPending(pending('r1', 't1', { createdAt: 1000 }));
        store.putPending(pending('r3', 't2', { createdAt: 2000, kind: 'choice' }));
        expect(store.getPending('r2')).toEqual(pending('r2', 't1', { createdAt: 3000, expiresAt: 60_000 }));
        expect(store.getPending('r1')).not.toHaveProperty('expiresAt');
        expect(store.listPending().map((p) => p.requestId)).toEqual(['r1', 'r3', 'r2']);
        expect(store.listPending('t1').map((p) => p.requestId)).toEqual(['r1', 'r2']);

        store.resolvePending('r1', allowBy('ann'), 4000);
        expect(store.listPending().map((p) => p.requestId)).toEqual(['r3', 'r2']);
        expect(store.listPending('t1').map((p) => p.requestId)).toEqual(['r2']);
        expect(store.getPending('unknown')).toBeUndefined();
      });

      it('lists requests created at the same moment in the order they were put', () => {
        const store = fresh();
        for (const id of ['a', 'c', 'b']) store.putPending(pending(id, id === 'c' ? 't2' : 't1'));
        expect(store.listPending().map((p) => p.requestId)).toEqual(['a', 'c', 'b']);
        // Putting a request again keeps its place.
        store.putPending(pending('a', 't1', { cardJson: '["m1"]' }));
        expect(store.listPending().map((p) => p.requestId)).toEqual(['a', 'c', 'b']);
      });

      it('a request put again under another thread is listed under that thread only', () => {
        const store = fresh();
        store.putPending(pending('r1', 't1'));
        store.putPending(pending('r1', 't2'));
        expect(store.listPending('t1')).toEqual([]);
        expect(store.listPending('t2').map((p) => p.requestId)).toEqual(['r1']);
      });

      it('resolves a request exactly once: the first answer wins, later ones change nothing', () => {
        const store = fresh();
        store.putPending(pending('r1', 't1'));
        expect(store.resolvePending('r1', allowBy('ann'), 5000)).toBe(true);
        expect(store.resolvePending('r1', allowBy('bob'), 6000)).toBe(false);
        const resolved = store.getPending('r1');
        expect(resolved?.decisionJson).toBe(allowBy('ann'));
        expect(resolved?.resolvedAt).toBe(5000);
      });

      it('refuses to resolve an unknown request', () => {
        const store = fresh();
        expect(store.resolvePending('nobody-asked', allowBy('ann'), 1)).toBe(false);
        expect(store.getPending('nobody-asked')).toBeUndefined();
      });

      it('never reopens a resolved request when it is put again', () => {
        const store = fresh();
        store.putPending(pending('r1', 't1'));
        store.resolvePending('r1', allowBy('ann'), 5000);
        store.putPending(pending('r1', 't1', { cardJson: '[{"messageId":7}]' }));
        expect(store.getPending('r1')).toMatchObject({ decisionJson: allowBy('ann'), resolvedAt: 5000 });
        expect(store.getPending('r1')?.cardJson).toBe('[{"messageId":7}]');
        expect(store.resolvePending('r1', allowBy('bob'), 6000)).toBe(false);
      });

      it('replaces the card references of a request', () => {
        const store = fresh();
        store.putPending(pending('r1', 't1'));
        store.updatePendingCards('r1', '[{"chatId":-100,"messageId":42}]');
        expect(store.getPending('r1')?.cardJson).toBe('[{"chatId":-100,"messageId":42}]');
        store.updatePendingCards('unknown', '[]');
        expect(store.getPending('unknown')).toBeUndefined();
      });
    });

    describe('auto-approve timers', () => {
      it('keeps timers per thread, scope and key; putting one again moves its expiry', () => {
        const store = fresh();
        store.putTimer({ threadId: 't1', scope: 'tool', key: 'Bash', expiresAt: 1000 });
        store.putTimer({ threadId: 't1', scope: 'all', key: '', expiresAt: 2000 });
        store.putTimer({ threadId: 't2', scope: 'dir', key: '/repo', expiresAt: 3000 });
        store.putTimer({ threadId: 't1', scope: 'tool', key: 'Bash', expiresAt: 5000 });
        expect(store.listTimers('t1')).toEqual([
          { threadId: 't1', scope: 'all', key: '', expiresAt: 2000 },
          { threadId: 't1', scope: 'tool', key: 'Bash', expiresAt: 5000 },
        ]);
        expect(store.listTimers()).toHaveLength(3);
      });

      it('deletes the timers of a thread, of one scope, or one timer', () => {
        const store = fresh();
        const put = (threadId: string, scope: 'all' | 'tool' | 'dir', key: string) =>
          store.putTimer({ threadId, scope, key, expiresAt: 1 });
        put('t1', 'tool', 'Bash');
        put('t1', 'tool', 'Edit');
        put('t1', 'dir', '/repo');
        put('t1', 'all', '');
        put('t2', 'tool', 'Bash');

        store.deleteTimers('t1', 'tool', 'Bash');
        expect(store.listTimers('t1').map((t) => t.key)).toEqual(['', '/repo', 'Edit']);
        store.deleteTimers('t1', 'tool');
        expect(store.listTimers('t1').map((t) => t.scope)).toEqual(['all', 'dir']);
        store.deleteTimers('t1');
        expect(store.listTimers('t1')).toEqual([]);
        expect(store.listTimers('t2')).toHaveLength(1);
      });
    });

    describe('paired users', () => {
      it('keeps paired users per platform and forgets them on request', () => {
        const store = fresh();
        store.putPairedUser({ platform: 'telegram', userId: '42', name: 'ann', pairedAt: 2 });
        store.putPairedUser({ platform: 'telegram', userId: '7', name: 'bob', pairedAt: 1 });
        store.putPairedUser({ platform: 'discord', userId: '42', name: 'eve', pairedAt: 3 });
        store.putPairedUser({ platform: 'telegram', userId: '42', name: 'ann b.', pairedAt: 4 });
        expect(store.listPairedUsers('telegram')).toEqual([
          { platform: 'telegram', userId: '7', name: 'bob', pairedAt: 1 },
          { platform: 'telegram', userId: '42', name: 'ann b.', pairedAt: 4 },
        ]);
        store.deletePairedUser('telegram', '42');
        expect(store.listPairedUsers('telegram').map((u) => u.userId)).toEqual(['7']);
        expect(store.listPairedUsers('discord').map((u) => u.name)).toEqual(['eve']);
      });
    });

    describe('approval rules', () => {
      it('keeps rules oldest first with every field; putting one again replaces it; deleting says whether it existed', () => {
        const store = fresh();
        const full = {
          ruleId: 'r1',
          effect: 'allow',
          tool: 'Bash',
          command: 'npm test*',
          path: 'src/**',
          project: '/home/me/repo',
          expiresAt: 9000,
          createdAt: 2000,
          createdBy: 'ann via telegram',
        } as const;
        store.putRule({ ruleId: 'r2', effect: 'deny', tool: 'Write', createdAt: 3000 });
        store.putRule(full);
        store.putRule({ ruleId: 'r0', effect: 'ask', createdAt: 3000 });
        expect(store.listRules()).toEqual([
          full,
          { ruleId: 'r2', effect: 'deny', tool: 'Write', createdAt: 3000 },
          { ruleId: 'r0', effect: 'ask', createdAt: 3000 },
        ]);
        expect(store.listRules()[1]).not.toHaveProperty('command');
        store.putRule({ ...full, effect: 'deny', command: 'npm run*' });
        expect(store.listRules()[0]).toEqual({ ...full, effect: 'deny', command: 'npm run*' });
        expect(store.deleteRule('r2')).toBe(true);
        expect(store.deleteRule('r2')).toBe(false);
        expect(store.listRules().map((r) => r.ruleId)).toEqual(['r1', 'r0']);
      });
    });

    describe('values', () => {
      it('sets, overwrites and deletes bridge values', () => {
        const store = fresh();
        expect(store.getValue('telegram.offset')).toBeUndefined();
        store.setValue('telegram.offset', '17');
        store.setValue('telegram.offset', '18');
        store.setValue('slack.channel', '');
        expect(store.getValue('telegram.offset')).toBe('18');
        expect(store.getValue('slack.channel')).toBe('');
        store.deleteValue('telegram.offset');
        expect(store.getValue('telegram.offset')).toBeUndefined();
      });
    });

    describe('audit log', () => {
      it('lists entries in the order they were written, filtered by thread or request', () => {
        const store = fresh();
        store.audit({
          at: 30,
          platform: 'telegram',
          action: 'approval.allow',
          threadId: 't1',
          requestId: 'r1',
        });
        store.audit({ at: 10, platform: 'slack', action: 'auth.refused', userId: 'U1', userName: 'mallory' });
        store.audit({
          at: 20,
          platform: 'telegram',
          action: 'approval.deny',
          threadId: 't1',
          requestId: 'r2',
        });
        store.audit({
          at: 40,
          platform: 'web',
          action: 'approval.timeout',
          threadId: 't2',
          detail: '30 min',
        });
        expect(store.listAudit().map((e) => e.action)).toEqual([
          'approval.allow',
          'auth.refused',
          'approval.deny',
          'approval.timeout',
        ]);
        expect(store.listAudit({ threadId: 't1' }).map((e) => e.requestId)).toEqual(['r1', 'r2']);
        expect(store.listAudit({ requestId: 'r2' })).toEqual([
          { at: 20, platform: 'telegram', action: 'approval.deny', threadId: 't1', requestId: 'r2' },
        ]);
        expect(store.listAudit({ threadId: 't1', requestId: 'r1' })).toHaveLength(1);
        expect(store.listAudit()[1]).toEqual({
          at: 10,
          platform: 'slack',
          action: 'auth.refused',
          userId: 'U1',
          userName: 'mallory',
        });
      });

      it('with a limit, returns the newest entries, still oldest first', () => {
        const store = fresh();
        for (let i = 1; i <= 5; i++) store.audit({ at: i, platform: 'web', action: `step.${i}` });
        expect(store.listAudit({ limit: 2 }).map((e) => e.action)).toEqual(['step.4', 'step.5']);
        expect(store.listAudit({ limit: 0 })).toEqual([]);
        expect(store.listAudit({ limit: 50 })).toHaveLength(5);
      });
    });

    describe('lifecycle', () => {
      it('closes idempotently and refuses use afterwards with a STORE error', () => {
        const store = makeStore();
        store.close();
        store.close();
        expect(() => store.getThread('t1')).toThrow(TetherError);
        expect(() => store.putThread(thread('t1'))).toThrow(expect.objectContaining({ code: 'STORE' }));
      });
    });

    describe.runIf(options.reopen !== undefined)('durability across a restart', () => {
      it('a pending approval survives a restart and is resolved exactly once after it', () => {
        let store = fresh();
        store.putThread(thread('t1'));
        store.putPending(pending('r1', 't1', { cardJson: '[{"messageId":5}]', expiresAt: 99_000 }));

        store = reopen(store);

        expect(store.listPending('t1')).toEqual([
          pending('r1', 't1', { cardJson: '[{"messageId":5}]', expiresAt: 99_000 }),
        ]);
        expect(store.resolvePending('r1', allowBy('ann'), 7000)).toBe(true);
        expect(store.resolvePending('r1', allowBy('bob'), 8000)).toBe(false);

        store = reopen(store);

        expect(store.resolvePending('r1', allowBy('bob'), 9000)).toBe(false);
        expect(store.getPending('r1')).toMatchObject({ decisionJson: allowBy('ann'), resolvedAt: 7000 });
        expect(store.listPending()).toEqual([]);
      });

      it('thread names and platform references survive a restart', () => {
        let store = fresh();
        store.putThread(thread('t1', { name: 'agent-tether', platformRef: '77', directory: '/src/at' }));
        store.putThread(thread('t2', { name: 'agent-tether 2', platformRef: '78', createdAt: 2000 }));
        store = reopen(store);
        expect(store.findThreadByRef('telegram', '77')).toEqual(
          thread('t1', { name: 'agent-tether', platformRef: '77', directory: '/src/at' }),
        );
        expect(store.listThreads().map((t) => t.name)).toEqual(['agent-tether', 'agent-tether 2']);
      });

      it('timers, pairings, values, rules and the audit log survive a restart', () => {
        let store = fresh();
        store.putTimer({ threadId: 't1', scope: 'dir', key: '/repo', expiresAt: 12_345 });
        store.putPairedUser({ platform: 'telegram', userId: '42', name: 'ann', pairedAt: 5 });
        store.setValue('telegram.offset', '981');
        store.putRule({
          ruleId: 'rule1',
          effect: 'allow',
          tool: 'Bash',
          command: 'git status',
          createdAt: 3,
        });
        store.audit({ at: 1, platform: 'telegram', action: 'pairing.paired', userId: '42' });
        store.audit({ at: 2, platform: 'telegram', action: 'approval.allow', requestId: 'r1' });
        store = reopen(store);
        expect(store.listTimers()).toEqual([
          { threadId: 't1', scope: 'dir', key: '/repo', expiresAt: 12_345 },
        ]);
        expect(store.listPairedUsers('telegram').map((u) => u.userId)).toEqual(['42']);
        expect(store.getValue('telegram.offset')).toBe('981');
        expect(store.listRules()).toEqual([
          { ruleId: 'rule1', effect: 'allow', tool: 'Bash', command: 'git status', createdAt: 3 },
        ]);
        expect(store.listAudit().map((e) => e.action)).toEqual(['pairing.paired', 'approval.allow']);
      });
    });
  });
}
