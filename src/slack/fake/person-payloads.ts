/**
 * The payloads Slack sends when a person acts: Events API callbacks (`message`, `app_mention`),
 * `block_actions` for button clicks, and slash commands.
 * @module
 */

import { randomBytes } from 'node:crypto';
import type { AnyBlock, AppMentionEvent, GenericMessageEvent } from '@slack/types';
import type { FakeSlackButton } from './types.js';
import type { SlackWorkspace, StoredChannel, StoredMessage } from './workspace.js';

/** The `payload` of an `events_api` envelope. */
export interface FakeEventCallback {
  readonly token: string;
  readonly team_id: string;
  readonly api_app_id: string;
  readonly event: GenericMessageEvent | AppMentionEvent;
  readonly type: 'event_callback';
  readonly event_id: string;
  readonly event_time: number;
  readonly authorizations: readonly {
    readonly enterprise_id: null;
    readonly team_id: string;
    readonly user_id: string;
    readonly is_bot: true;
    readonly is_enterprise_install: false;
  }[];
  readonly is_ext_shared_channel: false;
  readonly event_context: string;
}

/** The `payload` of an `interactive` envelope for a button click. */
export interface FakeBlockActionsPayload {
  readonly type: 'block_actions';
  readonly user: {
    readonly id: string;
    readonly username: string;
    readonly name: string;
    readonly team_id: string;
  };
  readonly api_app_id: string;
  readonly token: string;
  readonly container: {
    readonly type: 'message';
    readonly message_ts: string;
    readonly channel_id: string;
    readonly is_ephemeral: false;
    readonly thread_ts?: string;
  };
  readonly trigger_id: string;
  readonly team: { readonly id: string; readonly domain: string };
  readonly enterprise: null;
  readonly is_enterprise_install: false;
  readonly channel: { readonly id: string; readonly name: string };
  readonly message: Record<string, unknown>;
  readonly state: { readonly values: Record<string, never> };
  readonly response_url: string;
  readonly actions: readonly {
    readonly type: 'button';
    readonly action_id: string;
    readonly block_id: string;
    readonly text: { readonly type: 'plain_text'; readonly text: string; readonly emoji: true };
    readonly value?: string;
    readonly style?: string;
    readonly action_ts: string;
  }[];
}

/** The `payload` of a `slash_commands` envelope. */
export interface FakeSlashCommandPayload {
  readonly token: string;
  readonly team_id: string;
  readonly team_domain: string;
  readonly channel_id: string;
  readonly channel_name: string;
  readonly user_id: string;
  readonly user_name: string;
  readonly command: string;
  readonly text: string;
  readonly api_app_id: string;
  readonly is_enterprise_install: 'false';
  readonly response_url: string;
  readonly trigger_id: string;
}

/** The legacy verification token Slack still puts in payloads (meaningless here). */
const VERIFICATION_TOKEN = 'fake-verification-token';

/** What the builders need to know. */
export interface PayloadContext {
  readonly workspace: SlackWorkspace;
  readonly appId: string;
  /** Slack time now, in ms. */
  readonly now: () => number;
}

function randomId(prefix: string): string {
  return `${prefix}${randomBytes(6).toString('hex').toUpperCase()}`;
}

function triggerId(ctx: PayloadContext): string {
  return `${Math.floor(ctx.now())}.${randomBytes(4).readUInt32BE()}.${randomBytes(8).toString('hex')}`;
}

/** Wraps an event in Slack's `event_callback` envelope payload. */
export function eventCallback(
  ctx: PayloadContext,
  event: GenericMessageEvent | AppMentionEvent,
): FakeEventCallback {
  return {
    token: VERIFICATION_TOKEN,
    team_id: ctx.workspace.teamId,
    api_app_id: ctx.appId,
    event,
    type: 'event_callback',
    event_id: randomId('Ev'),
    event_time: Math.floor(ctx.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: ctx.workspace.teamId,
        user_id: ctx.workspace.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: randomBytes(12).toString('base64url'),
  };
}

/** The `message` event for a stored message (a person's, or the bot's own echo with `bot_id`). */
export function messageEvent(
  ctx: PayloadContext,
  message: StoredMessage,
  channel: StoredChannel,
): GenericMessageEvent {
  return {
    type: 'message',
    subtype: undefined,
    channel: channel.id,
    user: message.user,
    text: message.text,
    ts: message.ts,
    event_ts: message.ts,
    channel_type: channel.isPrivate ? 'group' : 'channel',
    team: ctx.workspace.teamId,
    ...(message.blocks.length > 0 ? { blocks: message.blocks } : {}),
    ...(message.threadTs !== undefined ? { thread_ts: message.threadTs } : {}),
    ...(message.botId !== undefined ? { bot_id: message.botId } : {}),
  };
}

/** The `app_mention` event for a person's message that mentions the bot. */
export function appMentionEvent(ctx: PayloadContext, message: StoredMessage): AppMentionEvent {
  return {
    type: 'app_mention',
    user: message.user,
    text: message.text,
    ts: message.ts,
    channel: message.channel,
    event_ts: message.ts,
    team: ctx.workspace.teamId,
    ...(message.threadTs !== undefined ? { thread_ts: message.threadTs } : {}),
  };
}

/** The `block_actions` payload of a click on `button` of `message`. */
export function blockActionsPayload(
  ctx: PayloadContext,
  input: {
    message: StoredMessage;
    messageJson: Record<string, unknown>;
    channel: StoredChannel;
    user: string;
    button: FakeSlackButton;
    responseUrl: string;
  },
): FakeBlockActionsPayload {
  const { message, channel, button } = input;
  const person = ctx.workspace.user(input.user);
  return {
    type: 'block_actions',
    user: {
      id: input.user,
      username: person?.name ?? input.user,
      name: person?.name ?? input.user,
      team_id: ctx.workspace.teamId,
    },
    api_app_id: ctx.appId,
    token: VERIFICATION_TOKEN,
    container: {
      type: 'message',
      message_ts: message.ts,
      channel_id: channel.id,
      is_ephemeral: false,
      ...(message.threadTs !== undefined ? { thread_ts: message.threadTs } : {}),
    },
    trigger_id: triggerId(ctx),
    team: { id: ctx.workspace.teamId, domain: 'fake-workspace' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel.id, name: channel.name },
    message: input.messageJson,
    state: { values: {} },
    response_url: input.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: button.actionId,
        block_id: button.blockId,
        text: { type: 'plain_text', text: button.text, emoji: true },
        ...(button.value !== undefined ? { value: button.value } : {}),
        ...(button.style !== undefined ? { style: button.style } : {}),
        action_ts: (ctx.now() / 1000).toFixed(6),
      },
    ],
  };
}

/** The payload of a slash command run by `user` in `channel`. */
export function slashCommandPayload(
  ctx: PayloadContext,
  input: { command: string; text: string; user: string; channel: StoredChannel; responseUrl: string },
): FakeSlashCommandPayload {
  return {
    token: VERIFICATION_TOKEN,
    team_id: ctx.workspace.teamId,
    team_domain: 'fake-workspace',
    channel_id: input.channel.id,
    channel_name: input.channel.name,
    user_id: input.user,
    user_name: ctx.workspace.user(input.user)?.name ?? input.user,
    command: input.command,
    text: input.text,
    api_app_id: ctx.appId,
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: triggerId(ctx),
  };
}

/** Whether `text` mentions the bot the way Slack encodes mentions (`<@U123>` or `<@U123|name>`). */
export function mentionsBot(text: string, botUserId: string): boolean {
  return text.includes(`<@${botUserId}>`) || text.includes(`<@${botUserId}|`);
}

/** Blocks are kept as posted; this narrows an unknown ack payload's blocks for ephemeral display. */
export function blocksOf(value: unknown): AnyBlock[] {
  return Array.isArray(value) ? (value as AnyBlock[]) : [];
}
