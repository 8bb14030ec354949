/**
 * Hook round trip benchmark: how long Claude Code waits for `serve` to answer an auto-approved
 * `PermissionRequest` (an allow rule matches, so no person is involved; a running timer takes the same path), against the baseline of a
 * bare loopback HTTP server that answers `{}` — same client, same payloads, measured in the same run.
 * `serve` runs as in production: the SQLite store in a scratch data dir, a Telegram bridge (on
 * FakeTelegramServer), the hub, the bus and the subscriber. Two loads: one session sending requests one after
 * another, and 50 sessions sending at once. Goal: ratio ≤ 1.5×. Run: `npx tsx bench/hook-roundtrip.ts`.
 * Such a request takes serve's fast path (`Bridge.decideWithoutPerson`): no pending record, no bus, no typing
 * ping; the audit entry is written in a batch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/core/store/sqlite.js';
import { createDefaultRunnerRegistry } from '../src/runner/default-registry.js';
import { readSecret } from '../src/serve/daemon-files.js';
import { startServe } from '../src/serve/serve.js';
import { FakeTelegramServer } from '../src/telegram/fake/index.js';
import { TelegramBridge } from '../src/telegram/index.js';

const SEQUENTIAL = 1500;
/**
 * Requests each server answers before anything is measured. `serve` is a daemon: after a few thousand hooks V8
 * has compiled its path, and that steady state is what a person waits on. Both servers get the same warm-up.
 * (With only 200, measured on this machine, the serve path still runs partly unoptimised: ~1.8–2.0×.)
 */
const WARM_UP = 5000;
const SESSIONS = 50;
const PER_SESSION = 60;
const OWNER_ID = 1001;
/** Baseline and serve alternate this many times. */
const ROUNDS = 10;

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(port: number, path: string, body: string, secret: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${secret}`,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve(text));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function permissionBody(session: string, i: number): string {
  return JSON.stringify({
    session_id: session,
    transcript_path: `/nonexistent/${session}.jsonl`,
    cwd: '/work/shop',
    permission_mode: 'default',
    hook_event_name: 'PermissionRequest',
    tool_name: 'Bash',
    tool_input: { command: `echo ${i}`, description: 'Print a number' },
  });
}

/** Per-request latencies (ms) of `count` sequential requests per session, `sessions` sessions at once. */
async function measure(
  port: number,
  secret: string,
  sessions: readonly string[],
  count: number,
): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    sessions.map(async (session) => {
      for (let i = 0; i < count; i++) {
        const t = performance.now();
        const answer = await post(
          port,
          '/hooks/claude/PermissionRequest',
          permissionBody(session, i),
          secret,
        );
        latencies.push(performance.now() - t);
        if (!answer.includes('allow') && answer !== '{}') throw new Error(`unexpected answer ${answer}`);
      }
    }),
  );
  return { latencies, wallMs: performance.now() - start };
}

function stats(latencies: number[]): { mean: number; p50: number; p99: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { mean: latencies.reduce((a, b) => a + b, 0) / latencies.length, p50: at(0.5), p99: at(0.99) };
}

async function baselineServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tether-bench-'));
  const fake = new FakeTelegramServer({ rateLimits: false });
  const apiRoot = await fake.start();
  const chatId = fake.createForumGroup({ title: 'Agents' });
  const store = SqliteStore.open(dataDir);
  const bridge = new TelegramBridge({
    token: fake.token,
    forumGroupId: chatId,
    apiRoot,
    store,
    allowedUserIds: [OWNER_ID],
    pollingTimeoutSeconds: 5,
    // The person's rule: `echo` may always run — so every request is auto-approved, no card, no person.
    rules: [{ effect: 'allow', tool: 'Bash', command: 'echo*' }],
  });
  const serve = await startServe({
    bridges: [bridge],
    store,
    dataDir,
    registry: createDefaultRunnerRegistry(),
  });
  const secret = readSecret(dataDir) ?? '';
  const sessions = Array.from({ length: SESSIONS }, (_, i) => `bench-${String(i).padStart(4, '0')}-session`);

  // Each session's first hook opens its thread (not measured).
  await Promise.all(
    sessions.map((session) =>
      post(serve.port, '/hooks/claude/PermissionRequest', permissionBody(session, -1), secret),
    ),
  );

  const base = await baselineServer();
  // Warm both paths up alike.
  await measure(base.port, secret, ['warm'], WARM_UP);
  await measure(serve.port, secret, [sessions[0] ?? ''], WARM_UP);

  // Baseline and serve run in alternating rounds (order flipped each round), so a change in the machine's load
  // during the run weighs on both alike.
  const rows: string[] = [];
  for (const [label, ids, count] of [
    ['1 session, sequential', [sessions[0] ?? ''], SEQUENTIAL],
    [`${SESSIONS} sessions at once`, sessions, PER_SESSION],
  ] as const) {
    const b = { latencies: [] as number[], wallMs: 0 };
    const o = { latencies: [] as number[], wallMs: 0 };
    const perRound = Math.max(1, Math.round(count / ROUNDS));
    for (let round = 0; round < ROUNDS; round++) {
      const runBase = async () => {
        const r = await measure(
          base.port,
          secret,
          ids.map((s) => `base-${s}`),
          perRound,
        );
        b.latencies.push(...r.latencies);
        b.wallMs += r.wallMs;
      };
      const runServe = async () => {
        const r = await measure(serve.port, secret, ids, perRound);
        o.latencies.push(...r.latencies);
        o.wallMs += r.wallMs;
      };
      if (round % 2 === 0) {
        await runBase();
        await runServe();
      } else {
        await runServe();
        await runBase();
      }
    }
    const bs = stats(b.latencies);
    const os = stats(o.latencies);
    rows.push(
      `${label.padEnd(24)} bare {} server: mean ${bs.mean.toFixed(3)} ms, p50 ${bs.p50.toFixed(3)}, p99 ${bs.p99.toFixed(3)}, wall ${b.wallMs.toFixed(0)} ms`,
      `${''.padEnd(24)} serve auto-allow: mean ${os.mean.toFixed(3)} ms, p50 ${os.p50.toFixed(3)}, p99 ${os.p99.toFixed(3)}, wall ${o.wallMs.toFixed(0)} ms`,
      `${''.padEnd(24)} ratio (mean): ${(os.mean / bs.mean).toFixed(2)}×  (p50: ${(os.p50 / bs.p50).toFixed(2)}×, wall: ${(o.wallMs / b.wallMs).toFixed(2)}×)`,
    );
  }
  console.log(
    `Hook round trip, auto-approved PermissionRequest (${SEQUENTIAL} sequential; ${SESSIONS}×${PER_SESSION} concurrent; ${ROUNDS} alternating rounds; ${WARM_UP} warm-up requests to each server)`,
  );
  for (const row of rows) console.log(row);
  console.log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')} on ${cpus().length} cores`,
  );

  await base.close();
  await serve.stop();
  await bridge.stop();
  store.close();
  await fake.stop();
  agent.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}

await main();
// Keep-alive sockets of the bare server and the agent's HTTP pool would hold the process open: end it.
process.exit(0);
