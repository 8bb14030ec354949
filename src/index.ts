/**
 * agent-tether — supervise AI coding agents from chat. This entry point exports what a user composes: the
 * bridge base class and the in-memory bridge, the router, the stores, the approval decisions and cards, the
 * formatting entry points and the errors. It loads no platform SDK; platforms live under
 * `agent-tether/telegram`, `/slack`, `/discord`, `/web`; Markdown dialects under `agent-tether/format`.
 * Engine parts (the approval flow, the outbox, the batcher…) are not exported: they are free to change.
 * @module
 */
export {
  buildApprovalCard,
  buildChoiceCard,
  type Card,
  type CardButton,
  describeDecision,
} from './core/approvals/cards.js';
export { DEFAULT_APPROVAL_TIMEOUT_MS, type DecisionListener, type TapAnswer } from './core/approvals/flow.js';
export type { PendingDecision, SettleResult } from './core/approvals/pending.js';
export { DEFAULT_AUTO_APPROVE_MS, DEFAULT_NEVER_AUTO_APPROVE } from './core/approvals/timers.js';
export type { Authorizer, AuthorizerOptions, PairingResult } from './core/auth.js';
export {
  BRIDGE_DEFAULTS,
  Bridge,
  type BridgeOptions,
  STATE_EMOJI,
  TAP_FAILED_ANSWER,
} from './core/bridge.js';
export type { BuiltinCommand, CommandContext, CommandDef, CommandRegistry } from './core/commands.js';
export * from './core/errors.js';
export type { HandlerSet } from './core/handlers.js';
export {
  MEMORY_DEFAULT_USER,
  MemoryBridge,
  type MemoryBridgeOptions,
  type MemoryMessage,
} from './core/memory-bridge.js';
export type { OutboxTransport, OutgoingMessage } from './core/outbox.js';
export type { RateLimit } from './core/rate-limiter.js';
export {
  DATABASE_FILE_NAME,
  defaultDataDir,
  MemoryStore,
  type MemoryStoreOptions,
  SqliteStore,
  type SqliteStoreOptions,
} from './core/store/index.js';
export type * from './core/store/types.js';
export * from './core/types.js';
export {
  formatToolInput,
  formatToolInputFull,
  humanizeEnumValue,
  humanizeKey,
  PLATFORM_LIMITS,
  renderChunks,
} from './format/index.js';
export { BridgeRouter, type RoutedThread } from './router.js';
