/**
 * Inbound dispatch: what happens when a person writes or taps. Authorization first; then, in a thread,
 * the seed's order: a pending "deny with reason" → a pending choice → a pending approval's text answer →
 * a command → plain input for the agent.
 * @module
 */

import { escapeMarkdown, minutes } from './approvals/cards.js';
import type { ApprovalFlow, ApprovalHost, TapAnswer } from './approvals/flow.js';
import { type ParsedApprovalText, parseApprovalText, parseChoiceText } from './approvals/grammar.js';
import type { PendingDecision, PendingEntry, SettleResult } from './approvals/pending.js';
import { describeOutcome } from './approvals/tap-actions.js';
import { type Authorizer, describePairingFailure } from './auth.js';
import { registerBuiltinCommands } from './builtin-commands.js';
import {
  type BuiltinCommand,
  type CommandDef,
  type CommandRegistry,
  type ParsedCommand,
  parseCommand,
} from './commands.js';
import type { StoredThread } from './store/types.js';
import type { ChatUser, Clock, ThreadId } from './types.js';

/**
 * What inbound dispatch needs from its bridge: the flow's host plus threads and replies. Implemented by the
 * bridge's `BridgeHost` (see `bridge-host.ts`).
 */
export interface InboundHost extends ApprovalHost {
  /** A thread's record (a platform may find threads another process created). */
  getThread(threadId: ThreadId): StoredThread | undefined;
  listThreads(): StoredThread[];
  /** Answer a person: in their thread ahead of queued output, else in the general channel. */
  reply(threadId: ThreadId | undefined, markdown: string): Promise<void>;
}

/** The collaborators of inbound dispatch. */
export interface InboundParts {
  readonly host: InboundHost;
  readonly flow: ApprovalFlow;
  readonly commands: CommandRegistry;
  readonly auth: Authorizer;
  readonly clock: Clock;
  readonly customCommands: Readonly<Record<string, CommandDef>>;
  readonly disabledCommands: readonly BuiltinCommand[];
  /** The command prefix shown to people (`/` or `!`). */
  readonly prefix: string;
}

const REFUSAL_INTERVAL_MS = 60_000;

/** Routes messages and taps of one bridge. */
export class BridgeInbound {
  readonly #d: InboundParts;
  readonly #host: InboundHost;
  readonly #awaitingReason = new Map<ThreadId, { requestId: string; userId: string; userName: string }>();
  readonly #lastRefusal = new Map<string, number>();

  constructor(deps: InboundParts) {
    this.#d = deps;
    this.#host = deps.host;
    registerBuiltinCommands(deps);
    for (const [name, def] of Object.entries(deps.customCommands)) deps.commands.register(name, def);
    deps.flow.onDecision((threadId, requestId, decision) =>
      this.#closeReasonPrompt(threadId, requestId, decision),
    );
  }

  /**
   * A request somebody was asked a deny reason for was decided another way (another tab, a timeout): the prompt
   * closes at once, and the person is told. A reason they send next is still kept from the agent (they may have
   * been typing it), unless the request timed out.
   */
  #closeReasonPrompt(threadId: ThreadId, requestId: string, decision: PendingDecision): void {
    const awaiting = this.#awaitingReason.get(threadId);
    if (awaiting?.requestId !== requestId) return;
    const after =
      decision.behavior === 'timeout'
        ? 'What you write next goes to the agent.'
        : 'If you send one now, it is not used and not sent to the agent.';
    void this.#host
      .reply(
        threadId,
        `✏️ ${escapeMarkdown(awaiting.userName)}, no reason is needed any more: the request was ${escapeMarkdown(describeOutcome(decision))}. ${after}`,
      )
      .catch((error: unknown) =>
        this.#host.logger.warn({ err: error, threadId }, 'could not close a reason prompt'),
      );
  }

  /** Forget per-thread state. */
  forgetThread(threadId: ThreadId): void {
    this.#awaitingReason.delete(threadId);
  }

  /** A person wrote something. */
  async message({
    threadId,
    user,
    text,
  }: {
    threadId: ThreadId | undefined;
    user: ChatUser;
    text: string;
  }): Promise<void> {
    const stripped = text.trim();
    if (!stripped) return;
    const command = parseCommand(stripped);
    const { auth } = this.#d;
    if (!auth.isAuthorized(user.id)) {
      if (command?.name === 'pair') return this.#pair(threadId, user, command.args);
      auth.refuse(user, 'message', threadId !== undefined ? { threadId } : {});
      await this.#refusePolitely(threadId, user);
      return;
    }
    const inThread = threadId !== undefined && this.#host.getThread(threadId) !== undefined;
    if (!inThread) {
      if (command) await this.#command(undefined, command, user);
      return;
    }
    try {
      if (await this.#answerPending(threadId, user, stripped, command)) return;
      if (command) return await this.#command(threadId, command, user);
      await this.#host.handlers.onInput(threadId, stripped, user);
    } catch (error) {
      this.#host.logger.error({ err: error, threadId }, 'handler failed on a message');
      await this.#host.reply(threadId, '⚠️ Something went wrong handling that message. It was logged.');
    }
  }

  /** A person tapped a button. */
  async tap({
    threadId,
    user,
    payload,
  }: {
    threadId: ThreadId | undefined;
    user: ChatUser;
    payload: string;
  }): Promise<TapAnswer> {
    if (!this.#d.auth.isAuthorized(user.id)) {
      this.#d.auth.refuse(user, 'tap', threadId !== undefined ? { threadId } : {});
      return {
        text: 'You are not authorized to answer here. Ask the owner to allow your user id, or pair first.',
        alert: true,
        outcome: 'refused',
      };
    }
    const answer = await this.#d.flow.tap(threadId, payload, user);
    if (answer.awaitReasonFor !== undefined && threadId !== undefined) {
      this.#awaitingReason.set(threadId, {
        requestId: answer.awaitReasonFor,
        userId: user.id,
        userName: user.name,
      });
      await this.#host.reply(
        threadId,
        `✏️ ${escapeMarkdown(user.name)}, reply in this thread with the reason for denying.`,
      );
    }
    return answer;
  }

  async #answerPending(
    threadId: ThreadId,
    user: ChatUser,
    text: string,
    command: ParsedCommand | undefined,
  ): Promise<boolean> {
    const { flow } = this.#d;
    if (!command && (await flow.takeEditReply(threadId, user, text))) return true;
    const awaiting = this.#awaitingReason.get(threadId);
    const awaitedEntry = awaiting ? flow.pending.get(awaiting.requestId) : undefined;
    if (awaiting && (!awaitedEntry || awaitedEntry.record.decisionJson !== undefined)) {
      // The request was decided meanwhile: this message is not a reason.
      this.#awaitingReason.delete(threadId);
      const json = awaitedEntry?.record.decisionJson;
      const previous = json ? (JSON.parse(json) as PendingDecision) : undefined;
      // Decided by someone else while this person typed the reason: it was meant as a reason, not as input for
      // the agent, so say so and keep it out. After a timeout the next message is ordinary input again.
      if (awaiting.userId === user.id && !command && previous && previous.behavior !== 'timeout') {
        await this.#host.reply(
          threadId,
          `The request was already decided (${escapeMarkdown(describeOutcome(previous))}), so your reason was not used, and it was not sent to the agent either.`,
        );
        return true;
      }
    }
    const stillAwaiting = this.#awaitingReason.get(threadId);
    if (stillAwaiting && stillAwaiting.userId === user.id && !command) {
      this.#awaitingReason.delete(threadId);
      const result = await flow.settle(stillAwaiting.requestId, {
        behavior: 'deny',
        reason: text,
        by: { type: 'user', user },
      });
      await this.#confirm(
        threadId,
        result,
        `❌ Denied by ${escapeMarkdown(user.name)}: ${escapeMarkdown(text)}`,
      );
      return true;
    }
    const choice = flow.oldestOpen(threadId, 'choice');
    if (choice?.kind === 'choice') {
      const index = parseChoiceText(text, choice.request.options);
      const option = index !== undefined ? choice.request.options[index] : undefined;
      if (index !== undefined && option) {
        const result = await flow.settle(choice.requestId, {
          behavior: 'selected',
          index,
          label: option.label,
          by: { type: 'user', user },
        });
        await this.#confirm(threadId, result, `✅ Selected: ${escapeMarkdown(option.label)}`);
        return true;
      }
    }
    const approval = flow.oldestOpen(threadId, 'approval');
    if (approval && !command) {
      const parsed = parseApprovalText(text);
      const open = flow.pending.listOpen(approval.threadKey).filter((e) => e.kind === 'approval').length;
      if (parsed && open > 1) {
        // A typed "yes" could be meant for any of them: only a button says which.
        await this.#host.reply(threadId, `${open} requests are waiting: answer each one with its buttons.`);
        return true;
      }
      if (parsed && flow.isFreshReplacement(approval, user.id)) {
        // The request this person was answering was just settled elsewhere; this one appeared after it.
        await this.#host.reply(
          threadId,
          'The request you were answering was already settled, and a new one just appeared: answer it with its buttons.',
        );
        return true;
      }
      const refusal =
        parsed && approval.kind === 'approval' ? this.#refuseTimer(approval, parsed) : undefined;
      if (refusal) {
        await this.#host.reply(threadId, refusal);
        return true;
      }
      if (parsed) {
        const result = await flow.answerWithText(approval, parsed, user);
        const who = escapeMarkdown(user.name);
        const span = minutes(flow.timers.durationMs);
        const tool = approval.kind === 'approval' ? approval.request.toolName : '';
        const line = parsed.allow
          ? `✅ ${parsed.timer === undefined ? 'Approved' : parsed.timer === 'all' ? `Allow All (${span})` : parsed.timer === 'dir' ? `Allow dir (${span})` : `Allow ${escapeMarkdown(tool)} (${span})`} by ${who}`
          : `❌ ${parsed.reason ? `Denied: ${escapeMarkdown(parsed.reason)}` : 'Denied'} by ${who}`;
        await this.#confirm(threadId, result, line);
        return true;
      }
    }
    return false;
  }

  /**
   * Why a typed timer answer decides nothing, if it does not fit the request: "allow Read" must not approve a
   * pending Bash request (and start a timer for Read), and a request whose card offers no timer buttons
   * (a plan approval, a tool never auto-approved) cannot start one by text either.
   */
  #refuseTimer(
    approval: Extract<PendingEntry, { kind: 'approval' }>,
    parsed: ParsedApprovalText,
  ): string | undefined {
    if (!parsed.allow || parsed.timer === undefined) return undefined;
    const pendingTool = approval.request.toolName;
    const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
    if (this.#d.flow.timers.isNeverApproved(pendingTool)) {
      return `${escapeMarkdown(pendingTool)} can never be auto-approved: nothing was approved. Answer ${code('allow')} or ${code('deny')}, or use the buttons.`;
    }
    if (typeof parsed.timer === 'object' && parsed.timer.tool.toLowerCase() !== pendingTool.toLowerCase()) {
      return `The pending request is for ${escapeMarkdown(pendingTool)}, not ${escapeMarkdown(parsed.timer.tool)}: nothing was approved. Answer ${code(`allow ${pendingTool}`)}, ${code('allow')} or ${code('deny')}, or use the buttons.`;
    }
    return undefined;
  }

  async #confirm(threadId: ThreadId, result: SettleResult, line: string): Promise<void> {
    if (result.settled) return this.#host.reply(threadId, line);
    await this.#host.reply(
      threadId,
      result.reason === 'unknown'
        ? 'That request is no longer pending.'
        : `Already resolved: ${escapeMarkdown(describeOutcome(result.previous))}.`,
    );
  }

  async #command(threadId: ThreadId | undefined, command: ParsedCommand, user: ChatUser): Promise<void> {
    const def = this.#d.commands.get(command.name);
    const { prefix } = this.#d;
    if (def) {
      if (def.threadOnly && threadId === undefined) {
        await this.#host.reply(threadId, `${prefix}${command.name} works inside an agent thread.`);
        return;
      }
      this.#host.audit({
        action: `command.${command.name}`,
        userId: user.id,
        userName: user.name,
        ...(threadId ? { threadId } : {}),
      });
      try {
        const result = await def.handler({ threadId, args: command.args, user });
        if (result) await this.#host.reply(threadId, result);
      } catch (error) {
        this.#host.logger.error({ err: error, command: command.name }, 'command failed');
        await this.#host.reply(threadId, `⚠️ Command failed: ${prefix}${command.name}`);
      }
      return;
    }
    if (this.#host.handlers.has('onCommand')) {
      try {
        const result = await this.#host.handlers.onCommand(threadId, command.name, command.args, user);
        if (result) await this.#host.reply(threadId, result);
      } catch (error) {
        this.#host.logger.error({ err: error, command: command.name }, 'onCommand failed');
        await this.#host.reply(threadId, `⚠️ Command failed: ${prefix}${command.name}`);
      }
      return;
    }
    await this.#host.reply(
      threadId,
      `Unknown command: ${prefix}${escapeMarkdown(command.name)}\nUse ${prefix}help for available commands.`,
    );
  }

  async #pair(threadId: ThreadId | undefined, user: ChatUser, code: string): Promise<void> {
    const result = this.#d.auth.tryPair(user, code.trim());
    if (result.ok) {
      await this.#host.reply(
        threadId,
        `🔓 Paired: ${escapeMarkdown(user.name)} may now approve and send input.`,
      );
      return;
    }
    const text = describePairingFailure(result);
    await this.#host.reply(threadId, text);
  }

  async #refusePolitely(threadId: ThreadId | undefined, user: ChatUser): Promise<void> {
    const now = this.#d.clock.now();
    const last = this.#lastRefusal.get(user.id);
    if (last !== undefined && now - last < REFUSAL_INTERVAL_MS) return;
    this.#lastRefusal.set(user.id, now);
    const { prefix } = this.#d;
    const how = this.#d.auth.pairingEnabled
      ? `Pair with ${prefix}pair <code> (the code is printed where the bot runs).`
      : 'Ask the owner to add your user id to the allowed users.';
    await this.#host.reply(
      threadId,
      `🔒 Sorry ${escapeMarkdown(user.name)}, you are not authorized to control this agent. ${how}`,
    );
  }
}
