import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/memory.js';
import type { Clock } from '../types.js';
import { AutoApproveTimers, isInsideDirectory } from './timers.js';

function fakeClock(): Clock & { advance(ms: number): void } {
  let now = 1_000_000;
  return { now: () => now, setTimeout: () => 0, clearTimeout: () => {}, advance: (ms) => (now += ms) };
}

describe('auto-approve timers', () => {
  it('allow all lasts 30 minutes by default, for that thread only', () => {
    const clock = fakeClock();
    const timers = new AutoApproveTimers({ store: new MemoryStore(), clock });
    timers.allowAll('t1');
    expect(timers.check('t1', 'Bash')).toBe('Allow All');
    expect(timers.check('t2', 'Bash')).toBeUndefined();
    clock.advance(30 * 60 * 1000 - 1);
    expect(timers.check('t1', 'Edit')).toBe('Allow All');
    clock.advance(1);
    expect(timers.check('t1', 'Edit')).toBeUndefined();
  });

  it('allow <tool> approves only that tool', () => {
    const timers = new AutoApproveTimers({ store: new MemoryStore(), clock: fakeClock() });
    timers.allowTool('t1', 'Bash');
    expect(timers.check('t1', 'Bash')).toBe('Allow Bash');
    expect(timers.check('t1', 'Write')).toBeUndefined();
  });

  it('never auto-approves task / plan-mode tools (prefix match, case-insensitive)', () => {
    const timers = new AutoApproveTimers({ store: new MemoryStore(), clock: fakeClock() });
    timers.allowAll('t1');
    expect(timers.check('t1', 'Task')).toBeUndefined();
    expect(timers.check('t1', 'TaskCreate')).toBeUndefined();
    expect(timers.check('t1', 'ExitPlanMode')).toBeUndefined();
    expect(timers.check('t1', 'EnterPlanMode')).toBeUndefined();
    expect(timers.check('t1', 'Bash')).toBe('Allow All');
  });

  it('directory timers use a real path-prefix match on normalised paths', () => {
    const timers = new AutoApproveTimers({ store: new MemoryStore(), clock: fakeClock() });
    timers.allowDirectory('/home/me/app/');
    expect(timers.check('any', 'Bash', '/home/me/app')).toBe('Allow dir app');
    expect(timers.check('any', 'Bash', '/home/me/app/src/lib')).toBe('Allow dir app');
    expect(timers.check('any', 'Bash', '/home/me/app/../app/src')).toBe('Allow dir app');
    expect(timers.check('any', 'Bash', '/home/me/app2')).toBeUndefined();
    expect(timers.check('any', 'Bash', '/home/me')).toBeUndefined();
    expect(isInsideDirectory('/a/b', '/')).toBe(true);
  });

  it('timers survive a new engine on the same store', () => {
    const store = new MemoryStore();
    const clock = fakeClock();
    new AutoApproveTimers({ store, clock, durationMs: 60_000 }).allowTool('t1', 'Edit');
    expect(new AutoApproveTimers({ store, clock }).check('t1', 'Edit')).toBe('Allow Edit');
  });
});
