/**
 * The Slack transport of the outbox: posts and edits in one channel through the real `WebClient`. A thread
 * reference is its parent message's `ts` (posted with `thread_ts`); the channel id itself is the reference of
 * top-level messages (thread parents, general replies). All threads share the channel's rate-limit bucket.
 * @module
 */
import type { WebClient } from '@slack/web-api';
import type { OutboxTransport, OutgoingMessage } from '../core/outbox.js';
import { renderChunks } from '../format/index.js';
import { cardBlocks } from './blocks.js';
import { SLACK, toTetherError } from './errors.js';

/** The length of one Slack message's text that stays readable (Slack truncates display past 4,000). */
export const SLACK_MESSAGE_LIMIT = 4000;

/** What {@link createSlackTransport} needs. */
export interface SlackTransportOptions {
  /** A WebClient made with `rejectRateLimitedCalls: true` and no retries: the outbox owns both. */
  readonly web: WebClient;
  /** The channel every thread lives in. */
  readonly channelId: string;
}

/** The Slack {@link OutboxTransport}. */
export function createSlackTransport({ web, channelId }: SlackTransportOptions): OutboxTransport {
  const where = (ref: string) => ({ channel: channelId, ...(ref === channelId ? {} : { thread_ts: ref }) });
  // Cards carry blocks (a decided card has only its section); plain output is text only.
  const content = (message: OutgoingMessage) => ({
    text: message.text,
    ...(message.buttons !== undefined ? { blocks: cardBlocks(message) } : {}),
  });
  return {
    platform: SLACK,
    messageLimit: SLACK_MESSAGE_LIMIT,
    render: (markdown) => renderChunks(markdown, 'slack', { limit: SLACK_MESSAGE_LIMIT }),
    async post(ref, message) {
      try {
        const result = await web.chat.postMessage({
          ...where(ref),
          ...content(message),
          unfurl_links: false,
          unfurl_media: false,
        });
        if (!result.ts) throw new Error('chat.postMessage returned no ts');
        return result.ts;
      } catch (error) {
        throw toTetherError(error, 'chat.postMessage');
      }
    },
    async edit(_ref, messageId, message) {
      try {
        await web.chat.update({ channel: channelId, ts: messageId, ...content(message) });
      } catch (error) {
        throw toTetherError(error, 'chat.update');
      }
    },
    chatKey: () => channelId,
  };
}
