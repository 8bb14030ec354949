/**
 * Shared set-up of the `serve` tests: a FakeTelegramServer forum, a Telegram bridge on it sharing the daemon's
 * store, `startServe()` in this process, a scratch HOME whose `~/.claude/settings.json` holds our hooks (as
 * `agent-tether hooks install --scope user` writes them), and the real Claude Code binary against
 * FakeAnthropicServer.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bridge } from '../../src/core/bridge.js';
import { MemoryStore } from '../../src/core/store/memory.js';
import type { Store } from '../../src/core/store/types.js';
import { createDefaultRunnerRegistry } from '../../src/runner/default-registry.js';
import { addOurHooks, HOOK_TOKEN_ENV } from '../../src/serve/claude-settings.js';
import { readSecret } from '../../src/serve/daemon-files.js';
import { type ServeHandle, type ServeOptions, startServe } from '../../src/serve/serve.js';
import type { TelegramBridge } from '../../src/telegram/index.js';
import { type FakeAnthropicScript, FakeAnthropicServer } from '../../src/testing/fake-anthropic.js';
import { claudeBinary } from '../support/claude-binary.js';
import { bridgeOn, type FakeWorld, startFake } from '../telegram/telegram-world.js';

/** What a serve test works with. */
export interface ServeWorld {
  readonly tg: FakeWorld;
  readonly bridge: TelegramBridge;
  readonly store: Store;
  readonly dataDir: string;
  readonly home: string;
  serve: ServeHandle;
  readonly model: FakeAnthropicServer;
  /** The environment Claude Code runs with (scratch HOME, fake model, the hook token). */
  readonly env: NodeJS.ProcessEnv;
  /** Start serve again on the same store and data dir (after `serve.stop()`). */
  restart(extra?: Partial<ServeOptions>): Promise<ServeHandle>;
  cleanup(): Promise<void>;
}

/** Start the world. `extraBridges` join the Telegram one (e.g. a web bridge). */
export async function startServeWorld(
  script: FakeAnthropicScript,
  options: {
    extraBridges?: Bridge[];
    /** Serve options, or a function of the scratch HOME giving them. */
    serve?: Partial<ServeOptions> | ((home: string) => Partial<ServeOptions>);
  } = {},
): Promise<ServeWorld> {
  const home = mkdtempSync(join(tmpdir(), 'tether-serve-'));
  const dataDir = join(home, 'data');
  const store = new MemoryStore();
  const tg = await startFake();
  const bridge = bridgeOn(tg, { store });
  const model = await FakeAnthropicServer.start(script);
  const bridges = [bridge, ...(options.extraBridges ?? [])];
  const serveOptions = typeof options.serve === 'function' ? options.serve(home) : (options.serve ?? {});
  mkdirSync(join(home, 'shop'), { recursive: true });
  const make = (extra: Partial<ServeOptions> = {}) =>
    startServe({
      bridges,
      store,
      dataDir,
      registry: createDefaultRunnerRegistry(),
      claudeDir: join(home, '.claude'),
      ...serveOptions,
      ...extra,
    });
  const serve = await make();
  mkdirSync(join(home, '.claude'), { recursive: true });
  writeFileSync(join(home, '.claude', 'settings.json'), JSON.stringify(addOurHooks({}, serve.port), null, 2));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    TMPDIR: home,
    ANTHROPIC_BASE_URL: model.url,
    ANTHROPIC_API_KEY: 'offline-test-key-0123456789',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    [HOOK_TOKEN_ENV]: readSecret(dataDir) ?? '',
  };
  const world: ServeWorld = {
    tg,
    bridge,
    store,
    dataDir,
    home,
    serve,
    model,
    env,
    restart: async (extra) => {
      world.serve = await make(extra);
      return world.serve;
    },
    cleanup: async () => {
      await world.serve.stop();
      await model.close();
      await tg.fake.stop();
      rmSync(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
  return world;
}

/** A finished `claude -p` run. */
export interface ClaudeRun {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Start `claude -p <prompt>` in `cwd` with the world's environment. */
export function claudePrint(world: ServeWorld, prompt: string, cwd: string): ClaudeRun {
  const binary = claudeBinary();
  if (!binary) throw new Error('the Claude Code binary is not installed');
  const child = spawn(binary, ['-p', prompt, '--permission-mode', 'default'], {
    cwd,
    env: world.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
  });
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, exited };
}

/** A project directory inside the world's HOME. */
export function projectDir(world: ServeWorld, name: string): string {
  const dir = join(world.home, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The Telegram thread of the newest live session (waits for it). */
export async function waitForSessionThread(world: ServeWorld, count = 1): Promise<string> {
  const sessions = await world.tg.fake.waitFor(
    () => {
      const list = world.serve.hub.list();
      return list.length >= count ? list : undefined;
    },
    { what: `${count} live session(s)`, timeoutMs: 60_000 },
  );
  const thread = sessions[count - 1]?.threads.find((t) => t.platform === 'telegram');
  if (!thread) throw new Error('the session has no Telegram thread');
  return thread.threadId;
}

/** Generous wait for something a real Claude Code process causes. */
export const CLAUDE_WAIT_MS = 60_000;

/** Wait for the newest bot message of a thread with a button labelled `label`. */
export function waitForCard(world: ServeWorld, threadId: string, label = 'Allow') {
  return world.tg.fake.waitFor(
    () =>
      world.tg.fake
        .topicMessages(world.tg.chatId, Number(threadId))
        .filter((m) => m.fromBot && !m.deleted)
        .reverse()
        .find((m) => m.buttons.flat().includes(label)),
    { what: `a card with "${label}"`, timeoutMs: CLAUDE_WAIT_MS },
  );
}

/** Every bot message text of a thread, joined. */
export function threadText(world: ServeWorld, threadId: string): string {
  return world.tg.fake
    .topicMessages(world.tg.chatId, Number(threadId))
    .filter((m) => m.fromBot && !m.deleted)
    .map((m) => m.text)
    .join('\n---\n');
}

/** Wait until the thread's text matches. */
export function waitForText(world: ServeWorld, threadId: string, pattern: RegExp, what: string) {
  return world.tg.fake.waitFor(() => pattern.test(threadText(world, threadId)), {
    what,
    timeoutMs: CLAUDE_WAIT_MS,
  });
}

/** The session id hook tests send by default. */
export const SESSION = '3f2a9c1e-0b7d-4e55-9a0c-1d2e3f4a5b6c';

/** Where Claude Code would keep the session's transcript. */
export function transcriptOf(w: ServeWorld, session = SESSION): string {
  const dir = join(w.home, '.claude', 'projects', '-shop');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${session}.jsonl`);
}

/** A transcript line of assistant text. */
export function assistantLine(text: string): string {
  return `${JSON.stringify({ type: 'assistant', message: { role: 'assistant', content: [{ type: 'text', text }] } })}\n`;
}

/** Send a hook as Claude Code does (the body's common fields filled in). */
export async function hook(
  w: ServeWorld,
  event: string,
  fields: Record<string, unknown> = {},
  secret = readSecret(w.dataDir) ?? '',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const session = typeof fields.session_id === 'string' ? fields.session_id : SESSION;
  const response = await fetch(`${w.serve.url}/hooks/claude/${event}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({
      session_id: session,
      transcript_path: transcriptOf(w, session),
      cwd: join(w.home, 'shop'),
      permission_mode: 'default',
      hook_event_name: event,
      ...fields,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A Bash tool call's fields. */
export const bash = (command: string) => ({ tool_name: 'Bash', tool_input: { command } });

/** Claude Code's record of a running process: `sessions/<pid>.json` in its config directory. */
export function claudeProcess(w: ServeWorld, pid: number, sessionId: string): void {
  const dir = join(w.home, '.claude', 'sessions');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${pid}.json`), JSON.stringify({ pid, sessionId, cwd: join(w.home, 'shop') }));
}
