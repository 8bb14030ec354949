/**
 * A deterministic runner that plays a script: for demos (`agent-tether demo`) and for tests of supervisors.
 * @module
 */

import type {
  ApprovalDecision,
  ChoiceDecision,
  ChoiceOption,
  Clock,
  IncomingAttachment,
  Logger,
} from '../core/types.js';
import { silentLogger, systemClock } from '../core/types.js';
import { UnknownSessionError } from './errors.js';
import { EventSequence } from './event-sequence.js';
import { type PendingAnswer, PendingAnswers, resolutionOf } from './pending-answers.js';
import type { ScriptChoice, ScriptPermission, ScriptStep } from './scripted-script.js';
import {
  type ApprovalChoice,
  ApprovalChoices,
  permissionModeName,
  type Runner,
  type RunnerEvents,
} from './types.js';

/** Options of {@link ScriptedRunner}. */
export interface ScriptedRunnerOptions {
  /** The steps every session plays. @defaultValue demoScript() is NOT implied: an empty script exits at once. */
  readonly script?: readonly ScriptStep[];
  /** Header title. @defaultValue 'Scripted agent' */
  readonly title?: string;
  /** Clock for `delayMs` steps and heartbeats (fake time in tests). @defaultValue systemClock */
  readonly clock?: Clock;
  /** Receives errors thrown by event callbacks. @defaultValue silentLogger */
  readonly logger?: Logger;
}

interface ScriptedSession {
  readonly seq: EventSequence;
  readonly pending: PendingAnswers;
  readonly abort: AbortController;
  readonly startedAt: number;
  readonly inbox: string[];
  readonly attachments: IncomingAttachment[];
  approvalChoice: ApprovalChoice;
  nextRequest: number;
  wakeInput: (() => void) | undefined;
  exitCode: number | null | undefined;
  ended: Promise<void>;
}

/** The code a scripted session reports when stopped. */
const STOPPED_EXIT_CODE = 0;

/**
 * Plays {@link ScriptStep}s as an agent would: header first, then output, permission requests that wait for
 * `respondToPermission`, questions that wait for `respondToChoice`, and inputs that are echoed back.
 * @example
 * ```ts
 * const runner = new ScriptedRunner(events, { script: demoScript() });
 * await runner.start('thread-1', 'fix the cart total', 0);
 * ```
 */
export class ScriptedRunner implements Runner {
  /** Always `scripted`. */
  readonly runnerType = 'scripted';
  readonly #events: RunnerEvents;
  readonly #script: readonly ScriptStep[];
  readonly #title: string;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #sessions = new Map<string, ScriptedSession>();

  /**
   * @param events - Where the sessions report.
   * @param options - The script, title and clock.
   */
  constructor(events: RunnerEvents, options: ScriptedRunnerOptions = {}) {
    this.#events = events;
    this.#script = options.script ?? [];
    this.#title = options.title ?? 'Scripted agent';
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Start playing the script. The header is emitted before this resolves. */
  async start(sessionId: string, prompt: string, approvalChoice: ApprovalChoice): Promise<void> {
    const running = this.#sessions.get(sessionId);
    if (running !== undefined && running.exitCode === undefined) return;
    const session: ScriptedSession = {
      seq: new EventSequence(this.#logger, sessionId),
      pending: new PendingAnswers(),
      abort: new AbortController(),
      startedAt: this.#clock.now(),
      inbox: [],
      attachments: [],
      approvalChoice,
      nextRequest: 1,
      wakeInput: undefined,
      exitCode: undefined,
      ended: Promise.resolve(),
    };
    this.#sessions.set(sessionId, session);
    await session.seq.emit(() =>
      this.#events.onHeader(sessionId, {
        title: this.#title,
        model: 'scripted',
        approval: permissionModeName(approvalChoice),
      }),
    );
    if (prompt.trim() !== '') {
      await session.seq.emit(() =>
        this.#events.onOutput(sessionId, 'combined', `> ${prompt}`, { kind: 'step' }),
      );
    }
    session.ended = this.#play(sessionId, session);
  }

  /** Echo `text` and wake a session waiting for input. */
  async sendInput(sessionId: string, text: string): Promise<void> {
    const session = this.#running(sessionId);
    await this.#emit(session, () => this.#events.onOutput(sessionId, 'combined', `You said: ${text}`));
    session.inbox.push(text);
    session.wakeInput?.();
  }

  /** A file a person sent: echoed with its path, and kept for {@link ScriptedRunner.attachmentsOf}. */
  async sendAttachment(sessionId: string, attachment: IncomingAttachment): Promise<void> {
    const session = this.#running(sessionId);
    session.attachments.push(attachment);
    await this.#emit(session, () =>
      this.#events.onOutput(sessionId, 'combined', `Got your ${attachment.kind}: ${attachment.path}`),
    );
  }

  /** The files people sent to a session, oldest first. */
  attachmentsOf(sessionId: string): readonly IncomingAttachment[] {
    return [...(this.#sessions.get(sessionId)?.attachments ?? [])];
  }

  /** Stop the session; waiting requests are cancelled and `onExit` is emitted once. */
  async stop(sessionId: string): Promise<number | null> {
    const session = this.#sessions.get(sessionId);
    if (session === undefined) throw new UnknownSessionError(this.runnerType, sessionId);
    if (session.exitCode === undefined) {
      session.abort.abort();
      session.wakeInput?.();
      for (const requestId of session.pending.cancelAll('The session was stopped')) {
        await this.#emit(session, () =>
          this.#events.onPermissionResolved(
            sessionId,
            requestId,
            'cancelled',
            false,
            'The session was stopped',
          ),
        );
      }
      await this.#finish(sessionId, session, STOPPED_EXIT_CODE);
    }
    await session.ended;
    return session.exitCode ?? null;
  }

  /** Later permission steps follow the new mode (`bypass` allows all, `acceptEdits` allows edits). */
  updatePermissionMode(sessionId: string, approvalChoice: ApprovalChoice): void {
    this.#running(sessionId).approvalChoice = approvalChoice;
  }

  /** Answer a permission step. */
  async respondToPermission(
    sessionId: string,
    requestId: string,
    decision: ApprovalDecision,
  ): Promise<boolean> {
    const session = this.#sessions.get(sessionId);
    return session?.pending.settle(requestId, { type: 'permission', decision }) ?? false;
  }

  /** Answer a choice step. */
  async respondToChoice(sessionId: string, requestId: string, decision: ChoiceDecision): Promise<boolean> {
    const session = this.#sessions.get(sessionId);
    return session?.pending.settle(requestId, { type: 'choice', decision }) ?? false;
  }

  #running(sessionId: string): ScriptedSession {
    const session = this.#sessions.get(sessionId);
    if (session === undefined || session.exitCode !== undefined) {
      throw new UnknownSessionError(this.runnerType, sessionId);
    }
    return session;
  }

  async #play(sessionId: string, session: ScriptedSession): Promise<void> {
    const exitCode = await this.#playSteps(sessionId, session, this.#script);
    if (!session.abort.signal.aborted) await this.#finish(sessionId, session, exitCode ?? 0);
  }

  /** Play steps in order (a choice's `onChoose` steps nested); resolves with the code of an `exit` step, if any. */
  async #playSteps(
    sessionId: string,
    session: ScriptedSession,
    steps: readonly ScriptStep[],
  ): Promise<number | undefined> {
    for (const step of steps) {
      if (session.abort.signal.aborted) return undefined;
      if ('exit' in step) return step.exit;
      if ('choice' in step) {
        const label = await this.#choice(sessionId, session, step.choice);
        const branch = label === undefined ? undefined : step.choice.onChoose?.[label];
        if (branch !== undefined) {
          const code = await this.#playSteps(sessionId, session, branch);
          if (code !== undefined) return code;
        }
        continue;
      }
      await this.#runStep(sessionId, session, step);
    }
    return undefined;
  }

  async #runStep(sessionId: string, session: ScriptedSession, step: ScriptStep): Promise<void> {
    const emit = (fn: () => unknown) => this.#emit(session, fn);
    if ('output' in step) {
      const kind = step.kind ?? 'final';
      await emit(() => this.#events.onOutput(sessionId, step.stream ?? 'combined', step.output, { kind }));
    } else if ('delayMs' in step) {
      await this.#sleep(step.delayMs, session.abort.signal);
      const elapsedS = (this.#clock.now() - session.startedAt) / 1000;
      await emit(() => this.#events.onHeartbeat(sessionId, elapsedS, false));
    } else if ('metadata' in step) {
      for (const [key, value] of Object.entries(step.metadata)) {
        const raw = typeof value === 'string' ? value : JSON.stringify(value);
        await emit(() => this.#events.onMetadata(sessionId, key, value, raw));
      }
    } else if ('awaitInput' in step) {
      do {
        await emit(() => this.#events.onAwaitingInput(sessionId));
        if ((await this.#nextInput(session)) === undefined) return;
      } while (step.awaitInput === 'repeat');
    } else if ('permission' in step) {
      await this.#permission(sessionId, session, step.permission);
    } else if ('plan' in step) {
      const answer = await this.#ask(sessionId, session, {
        toolName: 'ExitPlanMode',
        toolInput: { plan: step.plan },
        kind: 'plan',
        plan: step.plan,
      });
      const allowed = answer.type === 'permission' && answer.decision.behavior === 'allow';
      const text = allowed ? 'Plan approved — starting.' : 'Plan not approved — I will keep planning.';
      if (answer.type !== 'cancelled') await emit(() => this.#events.onOutput(sessionId, 'combined', text));
    }
  }

  async #permission(sessionId: string, session: ScriptedSession, step: ScriptPermission): Promise<void> {
    const emit = (text: string) =>
      this.#emit(session, () => this.#events.onOutput(sessionId, 'combined', text));
    const allowText = step.onAllow ?? `✓ ${step.toolName} allowed.`;
    if (autoAllowedByMode(session.approvalChoice, step.toolName)) {
      await emit(`${allowText}\n(auto-approved by the permission mode)`);
      return;
    }
    const answer = await this.#ask(sessionId, session, {
      toolName: step.toolName,
      toolInput: step.input,
      kind: 'tool',
      ...(step.description === undefined ? {} : { description: step.description }),
    });
    if (answer.type === 'cancelled') return;
    const decision = answer.decision;
    if (decision.behavior === 'allow' || decision.behavior === 'selected') {
      await emit(allowText);
    } else if (decision.behavior === 'timeout') {
      await emit(`No one answered, so I skipped ${step.toolName}.`);
    } else {
      const reason =
        decision.behavior === 'deny' && decision.reason !== undefined ? `: ${decision.reason}` : '';
      await emit(`${step.onDeny ?? `✗ ${step.toolName} denied`}${reason}`);
    }
  }

  async #choice(
    sessionId: string,
    session: ScriptedSession,
    step: ScriptChoice,
  ): Promise<string | undefined> {
    // Resolves with the label picked (or the fallback when nobody answered); undefined when cancelled.
    const options: ChoiceOption[] = step.options.map((o) => (typeof o === 'string' ? { label: o } : o));
    const question = {
      question: step.question,
      options,
      ...(step.header === undefined ? {} : { header: step.header }),
    };
    const answer = await this.#ask(sessionId, session, {
      toolName: 'AskUserQuestion',
      toolInput: { questions: [{ ...question, multiSelect: false }] },
      kind: 'question',
      question,
    });
    if (answer.type === 'cancelled') return undefined;
    const fallback = options[0]?.label ?? 'the first option';
    const picked = answer.type === 'choice' && answer.decision.behavior === 'selected';
    const label = picked ? answer.decision.label : fallback;
    const text = picked ? `You chose: ${label}.` : `No choice made — going with ${fallback}.`;
    await this.#emit(session, () => this.#events.onOutput(sessionId, 'combined', text));
    return label;
  }

  async #ask(
    sessionId: string,
    session: ScriptedSession,
    request: Omit<Parameters<RunnerEvents['onPermissionRequest']>[1], 'requestId'>,
  ): Promise<PendingAnswer> {
    const requestId = `req-${session.nextRequest++}`;
    const answered = session.pending.wait(requestId);
    await this.#emit(session, () => this.#events.onPermissionRequest(sessionId, { requestId, ...request }));
    const answer = await answered;
    if (answer.type !== 'cancelled') {
      const r = resolutionOf(answer);
      await this.#emit(session, () =>
        this.#events.onPermissionResolved(sessionId, requestId, r.resolvedBy, r.allowed, r.message),
      );
    }
    return answer;
  }

  /** The next input, or undefined when the session was stopped. */
  async #nextInput(session: ScriptedSession): Promise<string | undefined> {
    while (session.inbox.length === 0) {
      if (session.abort.signal.aborted) return undefined;
      await new Promise<void>((resolve) => {
        session.wakeInput = resolve;
      });
      session.wakeInput = undefined;
    }
    return session.abort.signal.aborted ? undefined : session.inbox.shift();
  }

  #sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const handle = this.#clock.setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        this.#clock.clearTimeout(handle);
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Queue an event unless the session already ended (its exit is the last event). */
  #emit(session: ScriptedSession, callback: () => unknown): Promise<void> {
    if (session.exitCode !== undefined) return Promise.resolve();
    return session.seq.emit(async () => void (await callback()));
  }

  async #finish(sessionId: string, session: ScriptedSession, code: number): Promise<void> {
    if (session.exitCode !== undefined) return;
    session.exitCode = code;
    const elapsedS = (this.#clock.now() - session.startedAt) / 1000;
    await session.seq.emit(() => this.#events.onHeartbeat(sessionId, elapsedS, true));
    await session.seq.emit(() => this.#events.onExit(sessionId, code));
  }
}

const EDIT_TOOLS = new Set(['Edit', 'Write', 'MultiEdit', 'NotebookEdit']);

function autoAllowedByMode(choice: ApprovalChoice, toolName: string): boolean {
  if (choice === ApprovalChoices.bypass) return true;
  return choice === ApprovalChoices.acceptEdits && EDIT_TOOLS.has(toolName);
}
