/**
 * CodexRunner's side of the app-server protocol where the real Codex cannot be driven offline (its tools
 * for an unknown model include no apply_patch): a stand-in app-server sends a file-change approval and an
 * unknown server request; we check what the person sees and what Codex is answered.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { codexPolicyFor, unifiedDiff } from '../../src/runner/codex/approval-mapping.js';
import { CodexRunner } from '../../src/runner/codex/codex-runner.js';
import { EventRecorder, waitUntil } from './event-recorder.js';
import { ada, denyWith } from './runner-contract.js';

const fakeServer = join(import.meta.dirname, '../support/fake-codex-app-server.mjs');
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function standIn(scenario: string, startTimeoutMs?: number) {
  const dir = mkdtempSync(join(tmpdir(), 'tether-codex-proto-'));
  const logPath = join(dir, 'received.jsonl');
  const events = new EventRecorder();
  const runner = new CodexRunner(events, {
    codexPath: fakeServer,
    cwd: dir,
    env: { FAKE_CODEX_LOG: logPath, FAKE_CODEX_SCENARIO: scenario },
    heartbeatMs: 0,
    ...(startTimeoutMs === undefined ? {} : { startTimeoutMs }),
  });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => runner.stop('p').catch(() => undefined));
  const received = () =>
    readFileSync(logPath, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { events, runner, received };
}

describe('CodexRunner protocol edges', () => {
  it('a Codex that never answers initialize fails the start within startTimeoutMs, saying how to see why', async () => {
    const { runner } = standIn('silent', 300);
    const started = runner.start('p', 'hello', 0);
    await expect(started).rejects.toThrow(/Codex did not answer initialize within 0\.3 s.*codex app-server/);
    await expect(started).rejects.toMatchObject({ code: 'RUNNER_UNAVAILABLE' });
  });

  it('a file-change approval shows the paths and the change as a unified diff; a deny answers decline', async () => {
    const { events, runner, received } = standIn('file-change');
    await runner.start('p', 'bump it', 0);
    const request = await events.waitFor('onPermissionRequest');
    const asked = request.args[0] as {
      requestId: string;
      toolName: string;
      toolInput: Record<string, string>;
    };
    expect(asked.toolName).toBe('Edit');
    expect(asked.toolInput.file_path).toBe('src/app.ts, NOTES.md');
    expect(asked.toolInput.reason).toBe('bump the constant');
    expect(asked.toolInput.diff).toBe(
      [
        '--- a/src/app.ts',
        '+++ b/src/app.ts',
        '@@ -1 +1 @@',
        '-const a = 1;',
        '+const a = 2;',
        '--- /dev/null',
        '+++ b/NOTES.md',
        '@@ -0,0 +1,1 @@',
        '+hello',
      ].join('\n'),
    );
    expect(events.transcript()).toContain('🔧 Edit `src/app.ts, NOTES.md`');

    await runner.respondToPermission('p', asked.requestId, {
      behavior: 'deny',
      by: { type: 'user', user: ada },
    });
    await waitUntil(() => received().some((m) => m.id === 7), 'Codex got the answer');
    expect(received().find((m) => m.id === 7)).toEqual({ id: 7, result: { decision: 'decline' } });
    await events.waitFor('onAwaitingInput');
  });

  it('an allow under a timer answers accept, never acceptForSession', async () => {
    const { events, runner, received } = standIn('file-change');
    await runner.start('p', 'bump it', 0);
    const request = await events.waitFor('onPermissionRequest');
    const { requestId } = request.args[0] as { requestId: string };
    await runner.respondToPermission('p', requestId, {
      behavior: 'allow',
      scope: 'tool',
      by: { type: 'user', user: ada },
    });
    await waitUntil(() => received().some((m) => m.id === 7), 'Codex got the answer');
    expect(received().find((m) => m.id === 7)).toEqual({ id: 7, result: { decision: 'accept' } });
    expect(received().find((m) => m.method === 'thread/start')?.params).toMatchObject({
      approvalPolicy: 'untrusted',
      sandbox: 'workspace-write',
    });
  });

  it('a deny with a reason declines and sends the reason as the next input', async () => {
    const { events, runner, received } = standIn('file-change');
    await runner.start('p', 'bump it', 0);
    const request = await events.waitFor('onPermissionRequest');
    const { requestId } = request.args[0] as { requestId: string };
    await runner.respondToPermission('p', requestId, denyWith('keep it at 1'));
    await waitUntil(() => received().some((m) => m.method === 'turn/steer'), 'the reason was sent');
    const steer = received().find((m) => m.method === 'turn/steer') as {
      params: { input: { text: string }[] };
    };
    expect(steer.params.input[0]?.text).toContain('keep it at 1');
  });

  it('an unknown server request gets a JSON-RPC error (never a hang) and the person is told', async () => {
    const { events, runner, received } = standIn('unknown-request');
    await runner.start('p', 'ask me', 0);
    await waitUntil(() => received().some((m) => m.id === 'u1'), 'Codex got an answer');
    const answer = received().find((m) => m.id === 'u1') as { error: { code: number; message: string } };
    expect(answer.error.code).toBe(-32601);
    expect(answer.error.message).toContain('item/tool/requestUserInput');
    const error = await events.waitFor('onError');
    expect(error.args[1]).toContain('item/tool/requestUserInput');
  });

  it('acceptEdits and bypass map to on-request and never (sandbox kept); a mode change applies from the next turn', async () => {
    const { events, runner, received } = standIn('unknown-request');
    await runner.start('p', 'go', 1);
    expect(received().find((m) => m.method === 'thread/start')?.params).toMatchObject({
      approvalPolicy: 'on-request',
      sandbox: 'workspace-write',
    });
    await events.waitFor('onAwaitingInput');
    runner.updatePermissionMode('p', 2);
    await runner.sendInput('p', 'again');
    await waitUntil(() => received().filter((m) => m.method === 'turn/start').length === 2, 'the next turn');
    const turns = received().filter((m) => m.method === 'turn/start') as {
      params: { approvalPolicy: string };
    }[];
    expect(turns.map((t) => t.params.approvalPolicy)).toEqual(['on-request', 'never']);
    expect(codexPolicyFor(2)).toEqual({ approvalPolicy: 'never', sandbox: 'workspace-write' });
  });

  it('unifiedDiff: a deleted file shows its old lines removed; a moved file names both paths', () => {
    expect(unifiedDiff([{ path: 'old.txt', kind: { type: 'delete' }, diff: 'bye\n' }])).toBe(
      ['--- a/old.txt', '+++ /dev/null', '@@ -1,1 +0,0 @@', '-bye'].join('\n'),
    );
    expect(
      unifiedDiff([
        { path: 'a.ts', kind: { type: 'update', move_path: 'b.ts' }, diff: '@@ -1 +1 @@\n-x\n+y\n' },
      ]),
    ).toBe(['--- a/a.ts', '+++ b/b.ts', '@@ -1 +1 @@', '-x', '+y'].join('\n'));
  });
});
