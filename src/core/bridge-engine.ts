/**
 * Wires the platform-neutral parts of a bridge together when it is constructed: the approval flow and inbound
 * dispatch (so commands are listed before `start()`). The platform transport and the outbox are made at start.
 * @module
 */
import type { Card } from './approvals/cards.js';
import { ApprovalFlow } from './approvals/flow.js';
import type { Authorizer } from './auth.js';
import { BridgeInbound, type InboundDeps } from './bridge-inbound.js';
import type { BridgeOptions } from './bridge-options.js';
import type { CommandRegistry } from './commands.js';
import type { HandlerSet } from './handlers.js';
import type { OutgoingFile } from './outgoing-file.js';
import { rulesCommand } from './rules/rules-command.js';
import type { AuditEntry, Store } from './store/types.js';
import type { Clock, Logger, ThreadId } from './types.js';

/** What the engine needs from its bridge. */
export interface BridgeEngineDeps {
  readonly platform: string;
  readonly options: BridgeOptions;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly handlers: HandlerSet;
  readonly commands: CommandRegistry;
  readonly auth: Authorizer;
  readonly prefix: string;
  readonly bridge: InboundDeps['bridge'];
  readonly hooks: {
    key(threadId: ThreadId): string;
    threadIdOf(key: string): ThreadId;
    directoryOf(threadId: ThreadId): string | undefined;
    /** Post a card ahead of queued output; resolves with its message id. */
    postCard(threadId: ThreadId, card: Card): Promise<string>;
    /** Replace a card (its outcome) ahead of queued output. */
    editCard(threadId: ThreadId, messageId: string, card: Card): Promise<void>;
    postMarkdown(threadId: ThreadId, markdown: string): Promise<void>;
    postFile(threadId: ThreadId, file: OutgoingFile): Promise<void>;
    stopTyping(threadId: ThreadId): void;
    audit(entry: Omit<AuditEntry, 'at' | 'platform'>): void;
    reply(threadId: ThreadId | undefined, markdown: string): Promise<void>;
  };
}

/** The platform-neutral parts of a bridge. */
export interface BridgeEngine {
  readonly flow: ApprovalFlow;
  readonly inbound: BridgeInbound;
}

/** Build the approval flow and inbound dispatch of a bridge, and register the built-in commands. */
export function createBridgeEngine(d: BridgeEngineDeps): BridgeEngine {
  const { hooks, options } = d;
  const flow = new ApprovalFlow(
    {
      platform: d.platform,
      handlers: d.handlers,
      logger: d.logger,
      key: hooks.key,
      threadIdOf: hooks.threadIdOf,
      directoryOf: hooks.directoryOf,
      postCard: hooks.postCard,
      editCard: hooks.editCard,
      postText: hooks.postMarkdown,
      postFile: hooks.postFile,
      stopTyping: hooks.stopTyping,
      audit: hooks.audit,
    },
    {
      store: d.store,
      clock: d.clock,
      autoApproveDurationMs: options.autoApproveDurationMs,
      neverAutoApprove: options.neverAutoApprove,
      notificationQuietMs: options.notificationQuietMs,
      approvalTimeoutMs: options.approvalTimeoutMs,
      rules: options.rules,
      reminders: options.reminders,
    },
  );
  const inbound = new BridgeInbound({
    bridge: d.bridge,
    flow,
    commands: d.commands,
    auth: d.auth,
    handlers: d.handlers,
    logger: d.logger,
    clock: d.clock,
    reply: hooks.reply,
    key: hooks.key,
    audit: hooks.audit,
    customCommands: options.commands ?? {},
    disabledCommands: options.disabledCommands ?? [],
    prefix: d.prefix,
  });
  if (!d.commands.has('rules')) {
    d.commands.register(
      'rules',
      rulesCommand({
        flow,
        prefix: d.prefix,
        isThread: (id) => d.bridge.getThread(id) !== undefined,
        audit: hooks.audit,
      }),
    );
  }
  return { flow, inbound };
}
