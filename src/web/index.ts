/**
 * `agent-tether/web`: the zero-account platform — a local HTTP + WebSocket server with a mobile-first page.
 * @module
 */
export { constantTimeEquals, generateAccessToken, MIN_ACCESS_TOKEN_LENGTH } from './access-guard.js';
export { createWebBridge, WEB_USER_NAME, WebBridge, type WebBridgeConfig } from './bridge.js';
export {
  htmlToText,
  openSession,
  WebPageClient,
  type WebPageClientOptions,
  type WebTapAnswer,
} from './page-client.js';
export {
  MAX_SAY_LENGTH,
  MAX_TAP_PAYLOAD_LENGTH,
  type PageFrame,
  pageFrameSchema,
  type ServerFrame,
  serverFrameSchema,
  type WebMessage,
  type WebThread,
} from './protocol.js';
