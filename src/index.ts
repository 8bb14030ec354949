/**
 * agent-tether — supervise AI coding agents from chat. This entry point exports the platform-neutral
 * core only and loads no platform SDK; platforms live under `agent-tether/telegram`, `/slack`, `/discord`, `/web`.
 * @module
 */
export {
  buildApprovalCard,
  buildChoiceCard,
  type Card,
  type CardButton,
  describeDecision,
} from './core/approvals/cards.js';
export { type CardAction, PAYLOAD_LIMITS, PayloadCodec } from './core/approvals/codec.js';
export { ApprovalFlow, DEFAULT_APPROVAL_TIMEOUT_MS, type TapAnswer } from './core/approvals/flow.js';
export { type ParsedApprovalText, parseApprovalText, parseChoiceText } from './core/approvals/grammar.js';
export type { PendingDecision, SettleResult } from './core/approvals/pending.js';
export {
  AutoApproveTimers,
  DEFAULT_AUTO_APPROVE_MS,
  DEFAULT_NEVER_AUTO_APPROVE,
  isInsideDirectory,
  normaliseDirectory,
} from './core/approvals/timers.js';
export { Authorizer, type AuthorizerOptions, type PairingResult } from './core/auth.js';
export { type BatchedNotice, describeBatch, NotificationBatcher } from './core/batcher.js';
export { Bridge, type BridgeOptions, STATE_EMOJI } from './core/bridge.js';
export {
  type BuiltinCommand,
  type CommandContext,
  type CommandDef,
  CommandRegistry,
  parseCommand,
} from './core/commands.js';
export { ErrorDebouncer } from './core/debounce.js';
export * from './core/errors.js';
export { HandlerSet } from './core/handlers.js';
export {
  MEMORY_DEFAULT_USER,
  MemoryBridge,
  type MemoryBridgeOptions,
  type MemoryMessage,
} from './core/memory-bridge.js';
export {
  Outbox,
  type OutboxOptions,
  type OutboxStats,
  type OutboxTransport,
  type OutgoingMessage,
} from './core/outbox.js';
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
