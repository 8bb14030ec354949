/**
 * `agent-tether/slack`: supervise agents from a Slack channel over Socket Mode.
 * @module
 */
export { ACTION_ID_PREFIX, cardBlocks, SLACK_BLOCK_LIMITS } from './blocks.js';
export {
  createSlackBridge,
  SlackBridge,
  type SlackBridgeConfig,
  type SlackSendRateLimits,
} from './bridge.js';
export { SLACK_MESSAGE_LIMIT } from './transport.js';
