/**
 * Wires the platform-neutral parts of a bridge together when it is constructed: the approval flow and inbound
 * dispatch (so commands are listed before `start()`), both talking to the bridge's one host. The platform
 * transport and the outbox are given to the host at start.
 * @module
 */
import { ApprovalFlow } from './approvals/flow.js';
import type { Authorizer } from './auth.js';
import { BridgeInbound, type InboundHost } from './bridge-inbound.js';
import type { BridgeOptions } from './bridge-options.js';
import type { CommandRegistry } from './commands.js';
import { rulesCommand } from './rules/rules-command.js';
import type { Store } from './store/types.js';
import type { Clock } from './types.js';

/** What the engine is built from. */
export interface BridgeEngineParts {
  /** The bridge's way out (`BridgeHost`): given as is to the flow, inbound dispatch and `/rules`. */
  readonly host: InboundHost;
  readonly options: BridgeOptions;
  readonly store: Store;
  readonly clock: Clock;
  readonly commands: CommandRegistry;
  readonly auth: Authorizer;
  readonly prefix: string;
}

/** The platform-neutral parts of a bridge. */
export interface BridgeEngine {
  readonly flow: ApprovalFlow;
  readonly inbound: BridgeInbound;
}

/** Build the approval flow and inbound dispatch of a bridge, and register the built-in commands. */
export function createBridgeEngine(d: BridgeEngineParts): BridgeEngine {
  const { host, options } = d;
  const flow = new ApprovalFlow(host, {
    store: d.store,
    clock: d.clock,
    autoApproveDurationMs: options.autoApproveDurationMs,
    neverAutoApprove: options.neverAutoApprove,
    notificationQuietMs: options.notificationQuietMs,
    approvalTimeoutMs: options.approvalTimeoutMs,
    rules: options.rules,
    reminders: options.reminders,
  });
  const inbound = new BridgeInbound({
    host,
    flow,
    commands: d.commands,
    auth: d.auth,
    clock: d.clock,
    customCommands: options.commands ?? {},
    disabledCommands: options.disabledCommands ?? [],
    prefix: d.prefix,
  });
  if (!d.commands.has('rules')) d.commands.register('rules', rulesCommand({ flow, host, prefix: d.prefix }));
  return { flow, inbound };
}
