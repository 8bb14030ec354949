/**
 * A start one host asks of another (`/new <host>:<project>` with several hosts): the asked host starts only in a
 * directory from its own config, with a runner it has, and only while the asking host still waits; it audits the
 * start and answers. A host that does not answer is reported, in time. In-process, on the memory bus.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/core/store/memory.js';
import { createDefaultRunnerRegistry } from '../../src/runner/default-registry.js';
import { MemorySessionBus, type SessionEvent } from '../../src/serve/bus.js';
import { HostStarts } from '../../src/serve/host-starts.js';
import { RunnerSessions } from '../../src/serve/runner-sessions.js';

const OLIVIA = { id: '1001', name: 'olivia', platform: 'telegram' };

describe('starting a session on another host', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function hosts(timeoutMs = 5000) {
    const dir = mkdtempSync(join(tmpdir(), 'tether-host-starts-'));
    const bus = new MemorySessionBus();
    const opened: SessionEvent[] = [];
    bus.consume('events', 'test', (m) => {
      if (m.payload.event.type === 'open') opened.push(m.payload.event);
    });
    const make = (self: string, projects: Record<string, string>) => {
      const runners = new RunnerSessions({
        bus,
        registry: createDefaultRunnerRegistry({ defaults: { scripted: { paceMs: 0 } } }),
      });
      const store = new MemoryStore();
      const starts = new HostStarts({
        bus,
        self,
        runners,
        projects,
        runnerNames: ['scripted'],
        defaultRunner: 'scripted',
        store,
        timeoutMs,
      });
      runners.start();
      starts.start();
      cleanups.push(async () => {
        starts.stop();
        await runners.stop();
      });
      return { starts, store };
    };
    cleanups.push(async () => {
      await bus.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const laptop = make('laptop', {});
    const desktop = make('desktop', { shop: join(dir, 'shop') });
    return { bus, dir, opened, laptop, desktop };
  }

  it('the asked host starts in its own project directory, audits who asked, and says which runner started', async () => {
    const { dir, opened, laptop, desktop } = hosts();
    const outcome = await laptop.starts.ask('desktop', {
      project: 'shop',
      prompt: 'fix the cart',
      user: OLIVIA,
    });
    expect(outcome).toEqual({ ok: true, runner: 'scripted' });
    expect(opened).toEqual([
      expect.objectContaining({ type: 'open', name: 'shop: fix the cart', cwd: join(dir, 'shop') }),
    ]);
    const audit = desktop.store.listAudit({}).filter((e) => e.action === 'session.new');
    expect(audit).toEqual([
      expect.objectContaining({ userId: '1001', userName: 'olivia', platform: 'telegram' }),
    ]);
    expect(JSON.parse(audit[0]!.detail!)).toMatchObject({
      project: 'shop',
      cwd: join(dir, 'shop'),
      askedBy: 'laptop',
    });
  });

  it('audits the start with the secrets in the prompt masked', async () => {
    const { laptop, desktop } = hosts();
    const token = `ghp_${'a1B2c3D4e5'.repeat(3)}123456`;
    const outcome = await laptop.starts.ask('desktop', {
      project: 'shop',
      prompt: `deploy with GITHUB_TOKEN=${token}`,
      user: { ...OLIVIA, name: `olivia ${token}` },
    });
    expect(outcome).toMatchObject({ ok: true });
    const audit = desktop.store.listAudit({}).filter((e) => e.action === 'session.new');
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(token);
    expect(JSON.parse(audit[0]?.detail ?? '')).toMatchObject({
      project: 'shop',
      prompt: expect.stringMatching(/^deploy with GITHUB_TOKEN=.*‹secret/),
    });
  });

  it('a start that hangs holds up nothing else: the host still reads answers to its own asks and further starts', async () => {
    const bus = new MemorySessionBus();
    const started: string[] = [];
    const runners = (host: string) =>
      ({
        startSession: async (request: { name: string }) => {
          started.push(`${host}:${request.name}`);
          // A runner whose start never returns (e.g. an agent server that never answers initialize).
          if (request.name.startsWith('slow')) await new Promise(() => undefined);
          return { source: 'runner', id: request.name };
        },
      }) as unknown as RunnerSessions;
    const make = (self: string) => {
      const starts = new HostStarts({
        bus,
        self,
        runners: runners(self),
        projects: { slow: '/tmp', shop: '/tmp' },
        runnerNames: ['claude'],
        store: new MemoryStore(),
        timeoutMs: 2000,
      });
      starts.start();
      cleanups.push(() => starts.stop());
      return starts;
    };
    cleanups.push(() => bus.close());
    const laptop = make('laptop');
    const desktop = make('desktop');
    void laptop.ask('desktop', { project: 'slow', prompt: 'x', user: OLIVIA });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await desktop.ask('laptop', { project: 'shop', prompt: 'fix', user: OLIVIA })).toEqual({
      ok: true,
      runner: 'claude',
    });
    expect(await laptop.ask('desktop', { project: 'shop', prompt: 'again', user: OLIVIA })).toEqual({
      ok: true,
      runner: 'claude',
    });
    expect(started).toEqual(['desktop:slow: x', 'laptop:shop: fix', 'desktop:shop: again']);
  });

  it('refuses a project or a runner it does not have (a path is just an unknown project), starting nothing', async () => {
    const { opened, laptop, desktop } = hosts();
    expect(await laptop.starts.ask('desktop', { project: '/etc', prompt: 'rm -rf', user: OLIVIA })).toEqual({
      ok: false,
      reason: 'desktop has no project "/etc". Its projects: shop.',
    });
    expect(
      await laptop.starts.ask('desktop', { project: 'shop', runner: 'sh', prompt: 'x', user: OLIVIA }),
    ).toEqual({ ok: false, reason: 'desktop has no runner "sh". Its runners: scripted.' });
    expect(opened).toEqual([]);
    expect(desktop.store.listAudit({})).toEqual([]);
  });

  it('refuses a start read after the asking host gave up', async () => {
    const { bus, opened } = hosts();
    const answers: unknown[] = [];
    bus.consume('starts', 'listener', (m) => {
      if (m.payload.type !== 'start') answers.push(m.payload);
    });
    await bus.publish('starts', {
      type: 'start',
      id: 'late-1',
      to: 'desktop',
      from: 'laptop',
      project: 'shop',
      prompt: 'hi',
      user: OLIVIA,
      notAfter: Date.now() - 1,
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(answers).toEqual([expect.objectContaining({ type: 'refused', id: 'late-1', to: 'laptop' })]);
    expect(opened).toEqual([]);
  });

  it('a host that does not answer is reported when the wait ends', async () => {
    const { laptop } = hosts(200);
    const outcome = await laptop.starts.ask('cloud', { project: 'shop', prompt: 'hi', user: OLIVIA });
    expect(outcome).toEqual({
      ok: false,
      reason: expect.stringMatching(/^cloud did not answer within 200 ms/),
    });
  });
});
