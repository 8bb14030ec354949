/**
 * Wires the platform-neutral parts of a bridge together when it is constructed: the approval flow, inbound
 * dispatch (so commands are listed before `start()`) and received files, all talking to the bridge's one host. The platform
 * transport and the outbox are given to the host at start.
 * @module
 */
import { ApprovalFlow } from './approvals/flow.js';
import type { Authorizer } from './auth.js';
import { BridgeInbound, type InboundHost } from './bridge-inbound.js';
import { BRIDGE_DEFAULTS, type BridgeOptions } from './bridge-options.js';
import type { CommandRegistry } from './commands.js';
import { InboundFiles } from './inbound-files.js';
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
  /** The bridge made its own store (then files people send are kept beside it). */
  readonly ownsStore: boolean;
}

/** The platform-neutral parts of a bridge. */
export interface BridgeEngine {
  readonly flow: ApprovalFlow;
  readonly inbound: BridgeInbound;
  /** Files people send. */
  readonly files: InboundFiles;
}

/** Build the approval flow, inbound dispatch and received files of a bridge, and register the built-in commands. */
export function createBridgeEngine(d: BridgeEngineParts): BridgeEngine {
  const { host, options } = d;
  const flow = new ApprovalFlow(host, {
    store: d.store,
    clock: d.clock,
    autoApproveDurationMs: options.autoApproveDurationMs,
    neverAutoApprove: options.neverAutoApprove,
    notificationQuietMs: options.notificationQuietMs ?? BRIDGE_DEFAULTS.notificationQuietMs,
    approvalTimeoutMs: options.approvalTimeoutMs ?? BRIDGE_DEFAULTS.approvalTimeoutMs,
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
  const files = new InboundFiles({
    host,
    auth: d.auth,
    dataDir: options.dataDir,
    ownsStore: d.ownsStore,
    attachments: options.attachments,
    transcriber:
      typeof options.transcriber === 'string' ? { command: options.transcriber } : options.transcriber,
  });
  return { flow, inbound, files };
}
