/**
 * What a Socket Mode envelope means to the bridge: a person's message, a button click, a slash command, or
 * something to acknowledge and ignore (bot messages, edits, joins, other channels, other apps' buttons).
 * Pure functions over the untyped payloads, plus a bounded memory of envelopes already handled.
 * @module
 */
import { isOwnActionId } from './blocks.js';

/** An envelope as `SocketModeClient` emits it on `slack_event`. */
export interface SlackEnvelope {
  readonly envelope_id: string;
  readonly type: string;
  readonly body: unknown;
}

/** A file a person shared: download `url` with the bot token. */
export interface SlackSharedFile {
  readonly name: string;
  readonly url: string;
  readonly mimetype?: string;
  readonly size?: number;
}

/** What the bridge learned from an envelope. `key` identifies it across redeliveries. */
export type SlackInbound =
  | {
      readonly kind: 'message';
      readonly key: string;
      readonly userId: string;
      readonly text: string;
      readonly ts: string;
      /** The parent's ts for a reply in a thread. */
      readonly threadTs?: string;
      /** Files the person shared with the message (`subtype: 'file_share'`). */
      readonly files?: readonly SlackSharedFile[];
    }
  | {
      readonly kind: 'tap';
      readonly key: string;
      readonly userId: string;
      readonly userName?: string;
      /** The button's value: a codec payload (validated by the core). */
      readonly value: string;
      readonly messageTs: string;
      readonly threadTs?: string;
    }
  | {
      readonly kind: 'slash';
      readonly key: string;
      readonly userId: string;
      readonly userName?: string;
      readonly command: string;
      readonly text: string;
    }
  | { readonly kind: 'ignored'; readonly key: string; readonly reason: string };

/** What the interpreter must know about the app. */
export interface InterpretContext {
  /** The one channel the bridge serves. */
  readonly channelId: string;
  /** The bot's own user id (its messages are echoed back and must be ignored). */
  readonly botUserId: string;
}

type Fields = Readonly<Record<string, unknown>>;

function fields(value: unknown): Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Undo Slack's escaping of `&`, `<` and `>` in message text, so the agent receives what the person typed.
 * @param text - text as Slack delivers it.
 */
export function decodeSlackText(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

/** Message subtypes that are still a person writing (everything else is an edit, a join, a bot, …). */
const PLAIN_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share']);

function interpretEvent(payload: Fields, envelopeId: string, ctx: InterpretContext): SlackInbound {
  const key = str(payload.event_id) ?? envelopeId;
  const event = fields(payload.event);
  const ignored = (reason: string): SlackInbound => ({ kind: 'ignored', key, reason });
  if (event.type !== 'message') return ignored(`event ${String(event.type)}`);
  if (event.channel !== ctx.channelId) return ignored('another channel');
  const subtype = typeof event.subtype === 'string' ? event.subtype : undefined;
  if (!PLAIN_SUBTYPES.has(subtype)) return ignored(`subtype ${subtype}`);
  if (event.bot_id !== undefined || event.user === ctx.botUserId) return ignored('a bot message');
  const userId = str(event.user);
  const ts = str(event.ts);
  const text = typeof event.text === 'string' ? event.text : undefined;
  if (!userId || !ts || text === undefined) return ignored('incomplete message');
  const threadTs = str(event.thread_ts);
  const files = sharedFiles(event.files);
  return {
    kind: 'message',
    ...(files.length > 0 ? { files } : {}),
    key,
    userId,
    ts,
    text: decodeSlackText(text),
    ...(threadTs !== undefined && threadTs !== ts ? { threadTs } : {}),
  };
}

function interpretInteractive(payload: Fields, envelopeId: string, ctx: InterpretContext): SlackInbound {
  const ignored = (reason: string): SlackInbound => ({ kind: 'ignored', key: envelopeId, reason });
  if (payload.type !== 'block_actions') return ignored(`interaction ${String(payload.type)}`);
  const container = fields(payload.container);
  const channel = str(fields(payload.channel).id) ?? str(container.channel_id);
  if (channel !== ctx.channelId) return ignored('another channel');
  const actions = Array.isArray(payload.actions) ? payload.actions : [];
  const action = fields(actions[0]);
  const actionId = str(action.action_id);
  const value = str(action.value);
  if (action.type !== 'button' || !actionId || !isOwnActionId(actionId) || value === undefined) {
    return ignored('not one of our buttons');
  }
  const user = fields(payload.user);
  const userId = str(user.id);
  const messageTs = str(container.message_ts) ?? str(fields(payload.message).ts);
  if (!userId || !messageTs) return ignored('incomplete click');
  const threadTs = str(container.thread_ts) ?? str(fields(payload.message).thread_ts);
  const userName = str(user.username) ?? str(user.name);
  return {
    kind: 'tap',
    key: envelopeId,
    userId,
    value,
    messageTs,
    ...(userName !== undefined ? { userName } : {}),
    ...(threadTs !== undefined && threadTs !== messageTs ? { threadTs } : {}),
  };
}

function interpretSlash(payload: Fields, envelopeId: string, ctx: InterpretContext): SlackInbound {
  const ignored = (reason: string): SlackInbound => ({ kind: 'ignored', key: envelopeId, reason });
  if (payload.channel_id !== ctx.channelId) return ignored('another channel');
  const userId = str(payload.user_id);
  const command = str(payload.command);
  if (!userId || !command) return ignored('incomplete slash command');
  const userName = str(payload.user_name);
  return {
    kind: 'slash',
    key: envelopeId,
    userId,
    command,
    text: decodeSlackText(typeof payload.text === 'string' ? payload.text : ''),
    ...(userName !== undefined ? { userName } : {}),
  };
}

/**
 * Interpret one envelope.
 * @param envelope - as emitted by `SocketModeClient` (`slack_event`).
 * @param ctx - the channel and the bot's own user id.
 */
export function interpretEnvelope(envelope: SlackEnvelope, ctx: InterpretContext): SlackInbound {
  const payload = fields(envelope.body);
  switch (envelope.type) {
    case 'events_api':
      return interpretEvent(payload, envelope.envelope_id, ctx);
    case 'interactive':
      return interpretInteractive(payload, envelope.envelope_id, ctx);
    case 'slash_commands':
      return interpretSlash(payload, envelope.envelope_id, ctx);
    default:
      return { kind: 'ignored', key: envelope.envelope_id, reason: `envelope ${envelope.type}` };
  }
}

/** A bounded memory of keys already seen (oldest forgotten first), so a redelivered envelope runs once. */
export class RecentKeys {
  readonly #keys = new Set<string>();
  readonly #capacity: number;

  /** @param capacity - keys remembered. @defaultValue 2000 */
  constructor(capacity = 2000) {
    this.#capacity = capacity;
  }

  /** Remember `key`; false when it was already remembered. */
  remember(key: string): boolean {
    if (this.#keys.has(key)) return false;
    this.#keys.add(key);
    if (this.#keys.size > this.#capacity) {
      const oldest = this.#keys.values().next().value;
      if (oldest !== undefined) this.#keys.delete(oldest);
    }
    return true;
  }
}

function sharedFiles(value: unknown): SlackSharedFile[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const file = fields(item);
    const url = str(file.url_private);
    if (!url) return [];
    const mimetype = str(file.mimetype);
    return [
      {
        name: str(file.name) ?? 'file',
        url,
        ...(mimetype !== undefined ? { mimetype } : {}),
        ...(typeof file.size === 'number' ? { size: file.size } : {}),
      },
    ];
  });
}
