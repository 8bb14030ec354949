/**
 * Wires the parts of a bridge together when it starts: the platform transport, the outbox, the approval
 * flow and inbound dispatch.
 * @module
 */
import type { Card } from './approvals/cards.js';
import { ApprovalFlow } from './approvals/flow.js';
import type { Authorizer } from './auth.js';
import { BridgeInbound, type InboundDeps } from './bridge-inbound.js';
import type { BridgeOptions } from './bridge-options.js';
import type { CommandRegistry } from './commands.js';
import type { HandlerSet } from './handlers.js';
import { Outbox, type OutboxTransport, type OutgoingMessage } from './outbox.js';
import type { OutgoingFile } from './outgoing-file.js';
import type { RateLimit } from './rate-limiter.js';
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
  readonly transport: OutboxTransport;
  readonly rateLimits: { perChat?: RateLimit | readonly RateLimit[]; global?: RateLimit };
  readonly prefix: string;
  readonly bridge: InboundDeps['bridge'];
  readonly hooks: {
    key(threadId: ThreadId): string;
    threadIdOf(key: string): ThreadId;
    directoryOf(threadId: ThreadId): string | undefined;
    renderCard(threadId: ThreadId, card: Card): OutgoingMessage;
    postMarkdown(threadId: ThreadId, markdown: string): Promise<void>;
    postFile(threadId: ThreadId, file: OutgoingFile): Promise<void>;
    stopTyping(threadId: ThreadId): void;
    audit(entry: Omit<AuditEntry, 'at' | 'platform'>): void;
    reply(threadId: ThreadId | undefined, markdown: string): Promise<void>;
  };
}

/** The started parts of a bridge. */
export interface BridgeEngine {
  readonly transport: OutboxTransport;
  readonly outbox: Outbox;
  readonly flow: ApprovalFlow;
  readonly inbound: BridgeInbound;
}

/** Build the outbox, the approval flow and inbound dispatch of a bridge. */
export function createBridgeEngine(d: BridgeEngineDeps): BridgeEngine {
  const { transport, hooks, options } = d;
  const outbox = new Outbox({ transport, clock: d.clock, logger: d.logger, ...d.rateLimits });
  const flow = new ApprovalFlow(
    {
      platform: d.platform,
      handlers: d.handlers,
      logger: d.logger,
      key: hooks.key,
      threadIdOf: hooks.threadIdOf,
      directoryOf: hooks.directoryOf,
      // Cards and their outcomes go ahead of queued output: a person must see a question promptly.
      postCard: (id, card) => outbox.post(id, hooks.renderCard(id, card), { priority: true }),
      editCard: (id, messageId, card) =>
        outbox.edit(id, messageId, hooks.renderCard(id, card), { priority: true }),
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
  return { transport, outbox, flow, inbound };
}
