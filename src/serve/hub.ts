// Over 400 lines: restoring, adopting and fast-deciding sessions all need the live-session map this one class owns.
/**
 * `SessionHub`: every live agent session `serve` shows, whatever its source (a terminal Claude Code through
 * hooks, a runner started from the phone, a `run` that joined), keyed by (source, id), one thread per session
 * on every bridge. Session events arrive on the {@link SessionBus} and go through the one
 * {@link SessionSubscriber} (cards, timers, output, status): there is no second approval path. People's
 * answers go back on the bus as commands. Over 400 lines because restoring, adopting and fast-deciding all
 * need the live-session map it owns.
 * @module
 */

import { randomUUID } from 'node:crypto';
import type { Bridge } from '../core/bridge.js';
import { deferred, settleWithin } from '../core/lifecycle.js';
import type { Store, StoredPending } from '../core/store/types.js';
import type { ApprovalDecision, ChoiceDecision, Logger, ThreadId } from '../core/types.js';
import { silentLogger } from '../core/types.js';
import type { BridgeRouter } from '../router.js';
import { attachmentText } from '../runner/attachment-input.js';
import { SessionSubscriber } from '../runner/subscriber.js';
import type { Runner } from '../runner/types.js';
import {
  type BusMessage,
  type SessionBus,
  type SessionCommand,
  type SessionEvent,
  type SessionKey,
  sessionKeyString,
} from './bus.js';

/** What a person sees of a session in `/sessions` and `agent-tether status`. */
export type LiveState = 'working' | 'waiting' | 'idle';

/** A live session. */
export interface LiveSession {
  readonly key: SessionKey;
  readonly name: string;
  readonly cwd?: string;
  readonly runnerType: string;
  /** The machine it runs on (several hosts). */
  readonly host?: string;
  readonly startedAt: number;
  /** Makes the source's request ids unique across sessions (they are only unique within one). */
  readonly requestPrefix: string;
  state: LiveState;
  /** The session's thread on each platform. */
  threads: { platform: string; threadId: ThreadId }[];
}

/** The JSON form of a live session (status API). */
export interface LiveSessionInfo {
  readonly source: string;
  readonly id: string;
  readonly name: string;
  readonly cwd?: string;
  readonly runnerType: string;
  /** The machine it runs on (several hosts). */
  readonly host?: string;
  readonly state: LiveState;
  readonly ageMs: number;
  readonly threads: readonly { platform: string; threadId: string; link?: string }[];
}

/** Options of {@link SessionHub}. */
export interface SessionHubOptions {
  readonly router: BridgeRouter;
  readonly bus: SessionBus;
  /** Where sessions and their threads are remembered across restarts. */
  readonly store: Store;
  readonly logger?: Logger;
  /** Time a person has to answer. @defaultValue the bridges' own */
  readonly approvalTimeoutMs?: number;
  /** Clock for ages. @defaultValue Date.now */
  readonly now?: () => number;
  /**
   * Several hosts, one bot: cards left open by a holder that died stay answerable here (their answers go to the
   * session's source on the bus) instead of being withdrawn as after a restart. @defaultValue false
   */
  readonly adoptOpenCards?: boolean;
  /** A link to a thread for `/sessions` (e.g. a Telegram topic link), when the platform has one. */
  readonly threadLink?: (platform: string, threadId: ThreadId) => string | undefined;
  /**
   * A session event whose handling failed (e.g. the shared store did not answer) is handled again after this
   * delay, doubled on each failure up to 5 s; the events after it wait, so each session's events stay in order.
   * @defaultValue 500
   */
  readonly eventRetryDelayMs?: number;
  /**
   * Tries of one session event before it is given up (logged as an error and acknowledged, so one event that can
   * never be handled does not block every session behind it). @defaultValue 8
   */
  readonly eventAttempts?: number;
}

const INDEX_KEY = 'serve.sessions';
const sessionValueKey = (key: string) => `serve.session:${key}`;
const HUB_GROUP = 'hub';
/** Store key of a shown request's session and source request id (several hosts: see `adoptOpenCards`). */
const shownKey = (shownId: string) => `serve.shown:${shownId}`;
/** The id a request's cards share on every platform (a bridge's request id is `<shown id>@<platform>`). */
const shownIdOf = (requestId: string) => requestId.split('@')[0] ?? requestId;

/** Live sessions, their threads, and the route between the bus and the bridges. */
export class SessionHub {
  readonly subscriber: SessionSubscriber;
  readonly #o: SessionHubOptions;
  readonly #logger: Logger;
  readonly #live = new Map<string, LiveSession>();
  readonly #removers: (() => void)[] = [];
  readonly #now: () => number;
  /** Open requests left by a holder that died: request id → the session and its source's request id. */
  readonly #adopted = new Map<string, { session: string; requestId: string }>();
  /** Between start and stop (several hosts: while this one holds the platform connections). */
  #running = false;
  /** Requests open before this host's bridges started (see {@link SessionHub.noteOpenRequests}). */
  #openBefore: StoredPending[] = [];
  /** Bumped by start and stop: an event handler of an earlier start neither retries nor acknowledges. */
  #generation = 0;
  /** Sessions opened whose record the store refused (written again when their `open` is handled again). */
  readonly #unsaved = new Set<string>();
  /** Resolved by {@link SessionHub.stop}: ends the waits of events between two tries. */
  #stopped = deferred();

  constructor(options: SessionHubOptions) {
    this.#o = options;
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.subscriber = new SessionSubscriber({
      router: options.router,
      logger: this.#logger,
      ...(options.approvalTimeoutMs !== undefined ? { approvalTimeoutMs: options.approvalTimeoutMs } : {}),
      onExit: (key) => this.#ended(key),
      ...(options.adoptOpenCards
        ? {
            onRequestShown: (id: string, shownId: string, agentRequestId: string) =>
              this.#o.store.setValue(
                shownKey(shownId),
                JSON.stringify({ session: id, requestId: this.#sourceId(id, agentRequestId) }),
              ),
          }
        : {}),
    });
    this.subscriber.attach(this.#commandRunner());
  }

  /**
   * Several hosts: note the open requests before the bridges start. A host taking the bot over handles the taps
   * queued meanwhile as soon as its bridges start, before {@link SessionHub.start}; those decisions are then
   * found in the store and sent on.
   */
  noteOpenRequests(): void {
    this.#openBefore = this.#o.store.listPending();
  }

  /** Restore remembered sessions, listen to the bus and to people. Call after the bridges started. */
  start(): void {
    this.#running = true;
    this.#restore();
    for (const bridge of this.#o.router.bridges) {
      this.#removers.push(
        bridge.onDecision((_threadId, requestId, decision) => {
          this.#adoptedDecided(requestId, decision);
          this.#forgetShown(requestId);
        }),
      );
    }
    // Decided between the bridges' start and now: nobody heard it yet.
    for (const requestId of [...this.#adopted.keys()]) {
      const decided = this.#o.store.getPending(requestId)?.decisionJson;
      if (decided !== undefined && this.#adopted.has(requestId)) {
        this.#adoptedDecided(requestId, JSON.parse(decided));
        this.#forgetShown(requestId);
      }
    }
    this.#openBefore = [];
    const generation = ++this.#generation;
    this.#stopped = deferred();
    this.#removers.push(this.#o.bus.consume('events', HUB_GROUP, (m) => this.#onEvent(m, generation)));
    for (const bridge of this.#o.router.bridges) {
      this.#removers.push(
        bridge.use({
          onInput: (threadId, text) => this.#input(bridge, threadId, text),
          // A person's file reaches any session (hooks included) as its saved path in the delivered message.
          onAttachment: (threadId, attachment) => this.#input(bridge, threadId, attachmentText(attachment)),
          onStopRequest: (threadId) => this.#stop(bridge, threadId),
          onStatusRequest: (threadId) => {
            const key = threadId === undefined ? undefined : this.#o.router.sessionOf(bridge, threadId);
            return key === undefined ? undefined : this.subscriber.statusText(key, this.#now());
          },
          onUsageRequest: (threadId) => {
            const key = threadId === undefined ? undefined : this.#o.router.sessionOf(bridge, threadId);
            if (key === undefined) return undefined;
            return this.subscriber.usageText(key) ?? 'No usage reported yet.';
          },
        }),
      );
    }
  }

  /** Stop listening. Sessions stay remembered in the store. */
  stop(): void {
    this.#running = false;
    this.#generation++;
    this.#stopped.resolve();
    for (const remove of this.#removers.splice(0)) remove();
  }

  /**
   * The fast path of a permission request no person needs to see: a rule or a running auto-approve timer of
   * one of the session's threads decides it (deny rules and never-auto-approve apply as on a card's path), with
   * no pending record, no card and no bus round trip. Undefined when a person must decide, or when this host
   * does not show the session (then the request takes the bus like any other).
   */
  decideWithoutPerson(
    key: SessionKey,
    request: { readonly toolName: string; readonly toolInput: Record<string, unknown> },
  ): ApprovalDecision | undefined {
    if (!this.#running) return undefined;
    const id = sessionKeyString(key);
    const live = this.#live.get(id);
    if (!live) return undefined;
    const info = this.subscriber.sessions.get(id);
    const directory = info?.header?.cwd ?? info?.cwd ?? live.cwd;
    for (const t of this.#o.router.threadsOf(id)) {
      try {
        const decision = t.bridge.decideWithoutPerson(t.threadId, {
          toolName: request.toolName,
          input: request.toolInput,
          ...(directory ? { directory } : {}),
        });
        if (decision) return decision;
      } catch (error) {
        // A thread that is gone or a bridge that stopped: the usual path reports it.
        this.#logger.debug({ err: error, session: id }, 'no fast decision');
        return undefined;
      }
    }
    return undefined;
  }

  /** Whether a session is live. */
  has(key: SessionKey): boolean {
    return this.#live.has(sessionKeyString(key));
  }

  /** The live sessions, oldest first. */
  list(): LiveSessionInfo[] {
    const now = this.#now();
    return [...this.#live.values()].map((s) => ({
      source: s.key.source,
      id: s.key.id,
      name: s.name,
      ...(s.cwd !== undefined ? { cwd: s.cwd } : {}),
      runnerType: s.runnerType,
      ...(s.host !== undefined ? { host: s.host } : {}),
      state: this.#state(s),
      ageMs: now - s.startedAt,
      threads: s.threads.map((t) => {
        const link = this.#o.threadLink?.(t.platform, t.threadId);
        return { ...t, ...(link ? { link } : {}) };
      }),
    }));
  }

  /** The session a thread shows, if any. */
  sessionOfThread(bridge: Bridge, threadId: ThreadId): LiveSession | undefined {
    const key = this.#o.router.sessionOf(bridge, threadId);
    return key === undefined ? undefined : this.#live.get(key);
  }

  /**
   * Handle an event, then acknowledge it. A failure is retried here, in order (the bus delivers the next event
   * only after this one). An unacknowledged event is what a restart or the next holder reads again: when this hub
   * stops while an event waits for its next try, it is left unacknowledged for them.
   */
  async #onEvent(message: BusMessage<'events'>, generation: number): Promise<void> {
    const { key, event } = message.payload;
    const attempts = Math.max(1, this.#o.eventAttempts ?? 8);
    let delay = this.#o.eventRetryDelayMs ?? 500;
    for (let attempt = 1; ; attempt++) {
      if (generation !== this.#generation) return;
      try {
        await this.#apply(key, event);
        break;
      } catch (error) {
        const about = { err: error, session: sessionKeyString(key), event: event.type, attempt };
        if (attempt >= attempts) {
          this.#logger.error(about, `session event failed ${attempts} times: gave up on it`);
          break;
        }
        this.#logger.warn(about, 'session event failed; trying it again');
      }
      await this.#pause(delay);
      delay = Math.min(delay * 2, 5000);
    }
    await this.#o.bus.ack('events', HUB_GROUP, message.id);
  }

  /** Wait before an event's next try; {@link SessionHub.stop} ends the wait at once. */
  async #pause(ms: number): Promise<void> {
    await settleWithin(this.#stopped.promise, ms);
  }

  async #apply(key: SessionKey, event: SessionEvent): Promise<void> {
    const id = sessionKeyString(key);
    const sub = this.subscriber;
    if (event.type === 'open') {
      const live = this.#live.get(id);
      if (live && this.#unsaved.has(id)) this.#persist(live);
      if (live) return;
      await this.#open(key, event);
      return;
    }
    const live = this.#live.get(id);
    if (!live) {
      this.#logger.debug({ session: id, event: event.type }, 'event of an unknown session ignored');
      return;
    }
    switch (event.type) {
      case 'header':
        return sub.onHeader(id, event.header);
      case 'output':
        live.state = 'working';
        return sub.onOutput(id, 'combined', event.text, event.options);
      case 'permission':
        // Read again after a takeover (the dead holder showed it but never acknowledged the event): shown already.
        if (this.#isAdopted(id, event.request.requestId)) return;
        return sub.onPermissionRequest(id, {
          ...event.request,
          requestId: `${live.requestPrefix}.${event.request.requestId}`,
        });
      case 'withdrawn':
        if (this.#withdrawAdopted(id, event.requestId, event.note)) return;
        return sub.onPermissionResolved(
          id,
          `${live.requestPrefix}.${event.requestId}`,
          'cancelled',
          false,
          event.note,
        );
      case 'working': {
        live.state = 'working';
        const info = sub.sessions.get(id);
        if (info && info.state !== 'waiting_approval') info.state = 'running';
        this.#o.router.sendTyping(id);
        return;
      }
      case 'idle':
        live.state = 'idle';
        return sub.onAwaitingInput(id);
      case 'metadata':
        return sub.onMetadata(id, event.key, event.value, event.raw);
      case 'error':
        return sub.onError(id, event.code, event.message);
      case 'exit':
        if (event.reason)
          await this.#o.router.sendOutput(id, `Session ended (${event.reason}).`).catch(() => {});
        return sub.onExit(id, event.exitCode);
      default: {
        const never: never = event;
        return never;
      }
    }
  }

  async #open(key: SessionKey, event: Extract<SessionEvent, { type: 'open' }>): Promise<void> {
    const id = sessionKeyString(key);
    const threads = await this.#o.router.openSession(id, event.name, {
      ...(event.cwd !== undefined ? { directory: event.cwd } : {}),
    });
    const live: LiveSession = {
      key,
      name: event.name,
      ...(event.cwd !== undefined ? { cwd: event.cwd } : {}),
      runnerType: event.runnerType,
      ...(event.host !== undefined ? { host: event.host } : {}),
      startedAt: this.#now(),
      requestPrefix: randomUUID().slice(0, 8),
      state: 'working',
      threads: threads.map((t) => ({ platform: t.bridge.platform, threadId: t.threadId })),
    };
    this.#live.set(id, live);
    this.subscriber.track(id, {
      ...(event.cwd !== undefined ? { cwd: event.cwd } : {}),
      now: live.startedAt,
    });
    this.#unsaved.add(id);
    this.#persist(live);
  }

  #ended(id: string): void {
    this.#live.delete(id);
    this.#unsaved.delete(id);
    this.#o.router.forgetSession(id);
    this.subscriber.sessions.delete(id);
    try {
      this.#o.store.deleteValue(sessionValueKey(id));
      this.#writeIndex();
    } catch (error) {
      // Called once the session's final status is shown, outside any event's handling: a throw here would be an
      // unhandled rejection. The record stays in the store: a restart may list the session again (idle).
      this.#logger.warn({ err: error, session: id }, 'could not forget an ended session in the store');
    }
  }

  #state(live: LiveSession): LiveState {
    const info = this.subscriber.sessions.get(sessionKeyString(live.key));
    if (info?.state === 'waiting_approval') return 'waiting';
    if (info?.state === 'awaiting_input') return 'idle';
    return live.state === 'idle' ? 'idle' : 'working';
  }

  async #input(bridge: Bridge, threadId: ThreadId | undefined, text: string): Promise<void> {
    const live = threadId === undefined ? undefined : this.sessionOfThread(bridge, threadId);
    if (!live || threadId === undefined) return;
    await this.#command(live.key, { type: 'input', text });
  }

  async #stop(bridge: Bridge, threadId: ThreadId): Promise<string | undefined> {
    const live = this.sessionOfThread(bridge, threadId);
    if (!live) return undefined;
    await this.#command(live.key, { type: 'stop' });
    return live.key.source === 'hook'
      ? '🛑 Stop requested: the next permission request will be denied and the turn interrupted.'
      : '🛑 Stopping the agent…';
  }

  #command(key: SessionKey, command: SessionCommand): Promise<string> {
    return this.#o.bus.publish('commands', { key, command });
  }

  /** The runner the subscriber answers: every answer becomes a command on the bus. */
  #commandRunner(): Runner {
    const keyOf = (id: string): SessionKey => {
      const live = this.#live.get(id);
      if (live) return live.key;
      const at = id.indexOf(':');
      return { source: id.slice(0, at) as SessionKey['source'], id: id.slice(at + 1) };
    };
    const send = async (id: string, command: SessionCommand) => {
      await this.#command(keyOf(id), command);
      return true;
    };
    const sourceId = (id: string, requestId: string) => {
      const prefix = `${this.#live.get(id)?.requestPrefix}.`;
      return requestId.startsWith(prefix) ? requestId.slice(prefix.length) : requestId;
    };
    return {
      runnerType: 'serve',
      start: async () => {},
      sendInput: async (id, text) => {
        await send(id, { type: 'input', text });
      },
      stop: async (id) => {
        await send(id, { type: 'stop' });
        return null;
      },
      updatePermissionMode: () => {},
      respondToPermission: (id, requestId, decision: ApprovalDecision) =>
        send(id, { type: 'decision', requestId: sourceId(id, requestId), decision }),
      respondToChoice: (id, requestId, decision: ChoiceDecision) =>
        send(id, { type: 'choice', requestId: sourceId(id, requestId), decision }),
    };
  }

  #bridge(platform: string): Bridge | undefined {
    return this.#o.router.bridges.find((b) => b.platform === platform);
  }

  #persist(live: LiveSession): void {
    const id = sessionKeyString(live.key);
    this.#o.store.setValue(
      sessionValueKey(id),
      JSON.stringify({
        key: live.key,
        name: live.name,
        cwd: live.cwd,
        runnerType: live.runnerType,
        ...(live.host !== undefined ? { host: live.host } : {}),
        startedAt: live.startedAt,
        threads: live.threads,
      }),
    );
    this.#writeIndex();
    this.#unsaved.delete(id);
  }

  #writeIndex(): void {
    this.#o.store.setValue(INDEX_KEY, JSON.stringify([...this.#live.keys()]));
  }

  /**
   * Cards left open by the previous run wait for an HTTP request or a runner that died with it: mark them so
   * nobody answers into the void (a terminal session still shows its own dialog).
   */
  #withdrawOrphans(threads: readonly { bridge: Bridge; threadId: ThreadId }[]): void {
    for (const { bridge, threadId } of threads) {
      for (const pending of bridge.store.listPending(`${bridge.platform}:${threadId}`)) {
        bridge
          .resolveRequest(pending.requestId, {
            behavior: 'timeout',
            cancelled: true,
            note: 'agent-tether restarted while this waited: answer in the terminal',
          })
          .catch((error: unknown) => this.#logger.warn({ err: error }, 'could not withdraw an old card'));
      }
    }
  }

  /** Keep the open cards of a restored session answerable: their answers go to the session's source. */
  #adopt(threads: readonly { bridge: Bridge; threadId: ThreadId }[]): void {
    for (const { bridge, threadId } of threads) {
      const thread = `${bridge.platform}:${threadId}`;
      const open = new Map(bridge.store.listPending(thread).map((p) => [p.requestId, p]));
      for (const p of this.#openBefore)
        if (p.threadId === thread && !open.has(p.requestId)) open.set(p.requestId, p);
      for (const pending of open.values()) {
        const raw = this.#o.store.getValue(shownKey(shownIdOf(pending.requestId)));
        if (raw !== undefined) this.#adopted.set(pending.requestId, JSON.parse(raw));
      }
      // The holder that died may have recorded a request without its card: show it here.
      bridge
        .showUnrecordedCards(threadId)
        .catch((error: unknown) => this.#logger.warn({ err: error }, 'could not show an unrecorded card'));
    }
  }

  #adoptedDecided(requestId: string, decision: unknown): void {
    const shown = this.#adopted.get(requestId);
    if (!shown) return;
    const base = shownIdOf(requestId);
    for (const [id] of this.#adopted) if (shownIdOf(id) === base) this.#adopted.delete(id);
    // The same request's cards on the other platforms show who decided.
    for (const bridge of this.#o.router.bridges) {
      // The store may be shared by every bridge (it is with several hosts): each settles its own cards only.
      for (const pending of bridge.store.listPending()) {
        if (pending.platform !== bridge.platform) continue;
        if (pending.requestId !== requestId && shownIdOf(pending.requestId) === base)
          bridge.resolveRequest(pending.requestId, decision as never).catch(() => undefined);
      }
    }
    const key = this.#keyOf(shown.session);
    const command: SessionCommand =
      (decision as { behavior?: string }).behavior === 'selected'
        ? { type: 'choice', requestId: shown.requestId, decision: decision as ChoiceDecision }
        : { type: 'decision', requestId: shown.requestId, decision: decision as ApprovalDecision };
    this.#command(key, command).catch((error: unknown) =>
      this.#logger.warn({ err: error }, 'could not send a decision to its session'),
    );
  }

  /**
   * The source settled by itself a request whose cards this host adopted: the cards say so and lose their buttons;
   * nothing goes back (nothing waits). False when no adopted card shows that request.
   */
  #withdrawAdopted(session: string, requestId: string, note: string | undefined): boolean {
    const ids = [...this.#adopted]
      .filter(([, shown]) => shown.session === session && shown.requestId === requestId)
      .map(([id]) => id);
    for (const id of ids) this.#adopted.delete(id);
    for (const id of ids)
      for (const bridge of this.#o.router.bridges)
        if (bridge.store.getPending(id)?.platform === bridge.platform)
          bridge
            .resolveRequest(id, { behavior: 'timeout', cancelled: true, ...(note ? { note } : {}) })
            .catch((error: unknown) =>
              this.#logger.warn({ err: error }, 'could not withdraw an adopted card'),
            );
    return ids.length > 0;
  }

  /**
   * A request was settled (answered, timed out, withdrawn): its note for a host taking over goes, so the shared
   * values do not grow by one per approval. Each of its cards (one per platform) settles it; the note is one.
   */
  #forgetShown(requestId: string): void {
    if (!this.#o.adoptOpenCards) return;
    try {
      this.#o.store.deleteValue(shownKey(shownIdOf(requestId)));
    } catch (error) {
      // The store did not answer, or this host lost the lease: the note stays (a host adopting reads it harmlessly).
      this.#logger.warn({ err: error, requestId }, 'could not forget a settled request');
    }
  }

  /** Whether a session's request (by its source's id) is an open card this host adopted. */
  #isAdopted(session: string, requestId: string): boolean {
    for (const shown of this.#adopted.values())
      if (shown.session === session && shown.requestId === requestId) return true;
    return false;
  }

  #keyOf(id: string): SessionKey {
    const live = this.#live.get(id);
    if (live) return live.key;
    const at = id.indexOf(':');
    return { source: id.slice(0, at) as SessionKey['source'], id: id.slice(at + 1) };
  }

  #sourceId(id: string, requestId: string): string {
    const prefix = `${this.#live.get(id)?.requestPrefix}.`;
    return requestId.startsWith(prefix) ? requestId.slice(prefix.length) : requestId;
  }

  /** Bring back the sessions of an earlier run: same threads where the platform still has them. */
  #restore(): void {
    let ids: string[] = [];
    try {
      ids = JSON.parse(this.#o.store.getValue(INDEX_KEY) ?? '[]') as string[];
    } catch {
      ids = [];
    }
    for (const id of ids) {
      const raw = this.#o.store.getValue(sessionValueKey(id));
      if (raw === undefined) continue;
      try {
        const saved = JSON.parse(raw) as Omit<LiveSession, 'state'>;
        const threads = saved.threads.flatMap((t) => {
          const bridge = this.#bridge(t.platform);
          return bridge?.getThread(t.threadId) ? [{ bridge, threadId: t.threadId }] : [];
        });
        if (threads.length === 0) continue;
        this.#o.router.adoptSession(id, threads);
        const live: LiveSession = {
          ...saved,
          requestPrefix: randomUUID().slice(0, 8),
          state: 'idle',
          threads: saved.threads,
        };
        this.#live.set(id, live);
        this.subscriber.track(id, { ...(saved.cwd ? { cwd: saved.cwd } : {}), now: saved.startedAt });
        const info = this.subscriber.sessions.get(id);
        if (info) info.state = 'awaiting_input';
        if (this.#o.adoptOpenCards) this.#adopt(threads);
        else this.#withdrawOrphans(threads);
      } catch (error) {
        this.#logger.warn({ err: error, session: id }, 'could not restore a session');
      }
    }
    this.#writeIndex();
  }
}
