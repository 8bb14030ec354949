/**
 * A protocol-faithful fake of the Telegram Bot API for offline tests with grammY.
 * @module
 */

export type { WaitOptions as WaitForOptions } from '../../testing/kit/waiter.js';
export { parseTelegramHtml, type TelegramHtmlParse } from './html-validator.js';
export type { UserSendsFileInput } from './person-files.js';
export type { UserSaysInput, UserTapsDataInput, UserTapsInput } from './person-side.js';
export { FakeTelegramServer } from './server.js';
export type {
  CallbackAnswer,
  FakePerson,
  FakeTelegramCall,
  FakeTelegramFault,
  FakeTelegramRateLimits,
  FakeTelegramServerOptions,
  ForumGroupOptions,
  RecordedChatAction,
  VisibleMessage,
  VisibleTopic,
} from './types.js';
