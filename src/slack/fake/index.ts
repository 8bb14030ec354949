/**
 * A protocol-faithful local fake of Slack (Web API + Socket Mode) for tests and benchmarks.
 * @module
 */

export { SLACK_LIMITS } from './message-limits.js';
export type {
  FakeBlockActionsPayload,
  FakeEventCallback,
  FakeSlashCommandPayload,
} from './person-payloads.js';
export { DEFAULT_RATE_LIMITS } from './rate-limits.js';
export { FakeSlackServer } from './server.js';
export type {
  FakeDisconnectReason,
  FakeEnvelopeRecord,
  FakeEnvelopeState,
  FakeEnvelopeType,
  FakeRateLimitRule,
  FakeSlackButton,
  FakeSlackCall,
  FakeSlackEphemeralView,
  FakeSlackFault,
  FakeSlackMessageView,
  FakeSlackServerOptions,
  FakeWaitOptions,
} from './types.js';
