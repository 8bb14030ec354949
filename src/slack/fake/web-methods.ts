/**
 * The Web API methods the fake implements, each answering like Slack (`ok`, or `ok: false` + error code).
 * @module
 */

import type {
  AppsConnectionsOpenResponse,
  AuthTestResponse,
  ChatDeleteResponse,
  ChatPostEphemeralResponse,
  ConversationsInfoResponse,
  ReactionsAddResponse,
  UsersInfoResponse,
} from '@slack/web-api';
import type { FakeSlackUploads } from './file-uploads.js';
import { messageJson } from './message-json.js';
import { checkMessage, parseBlocks } from './message-limits.js';
import type { SlackWorkspace, StoredChannel, StoredMessage } from './workspace.js';

/** The token a method requires. */
export type TokenKind = 'bot' | 'app';

/** What a method may use. */
export interface WebMethodContext {
  readonly workspace: SlackWorkspace;
  readonly appId: string;
  /** A fresh single-use Socket Mode URL. */
  readonly socketUrl: () => string;
  /** Called after the bot posts a message (Slack echoes it as an event). */
  readonly onBotMessage: (message: StoredMessage) => void;
  /** Uploads in progress (files.getUploadURLExternal → POST → files.completeUploadExternal). */
  readonly uploads: FakeSlackUploads;
  /** The upload URL of a file id. */
  readonly uploadUrl: (fileId: string) => string;
}

/** A method's JSON answer. */
export type WebMethodResult = { readonly ok: boolean; readonly error?: string } & Record<string, unknown>;

/** One Web API method. */
export interface WebMethod {
  readonly token: TokenKind;
  readonly run: (ctx: WebMethodContext, params: Readonly<Record<string, unknown>>) => WebMethodResult;
}

type Params = Readonly<Record<string, unknown>>;

function fail(error: string): WebMethodResult {
  return { ok: false, error };
}

function stringParam(params: Params, name: string): string | undefined {
  const value = params[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** The channel the bot can see, or Slack's error: private channels it is not in do not exist for it. */
function visibleChannel(ctx: WebMethodContext, params: Params): StoredChannel | WebMethodResult {
  const id = stringParam(params, 'channel');
  const channel = id === undefined ? undefined : ctx.workspace.channel(id);
  if (!channel || (channel.isPrivate && !channel.members.has(ctx.workspace.botUserId))) {
    return fail('channel_not_found');
  }
  return channel;
}

function joinedChannel(ctx: WebMethodContext, params: Params): StoredChannel | WebMethodResult {
  const channel = visibleChannel(ctx, params);
  if ('ok' in channel) return channel;
  return channel.members.has(ctx.workspace.botUserId) ? channel : fail('not_in_channel');
}

function liveMessage(
  ctx: WebMethodContext,
  channel: StoredChannel,
  ts: string | undefined,
): StoredMessage | undefined {
  const message = ts === undefined ? undefined : ctx.workspace.message(channel.id, ts);
  return message && !message.deleted ? message : undefined;
}

function postMessage(ctx: WebMethodContext, params: Params): WebMethodResult {
  const channel = joinedChannel(ctx, params);
  if ('ok' in channel) return channel;
  const content = checkMessage(params.text, params.blocks);
  if (!content.ok) return { ...content };
  let threadTs = stringParam(params, 'thread_ts') || undefined;
  if (threadTs !== undefined) {
    const parent = ctx.workspace.message(channel.id, threadTs);
    if (!parent) return fail('invalid_thread_ts');
    threadTs = parent.threadTs ?? parent.ts;
  }
  const message = ctx.workspace.addMessage({
    channel: channel.id,
    ...(threadTs !== undefined ? { threadTs } : {}),
    user: ctx.workspace.botUserId,
    botId: ctx.workspace.botId,
    text: content.text,
    blocks: content.blocks,
  });
  ctx.onBotMessage(message);
  return {
    ok: true,
    channel: channel.id,
    ts: message.ts,
    message: messageJson(ctx.workspace, message, ctx.appId),
  };
}

function getUploadUrl(ctx: WebMethodContext, params: Params): WebMethodResult {
  const fileName = stringParam(params, 'filename');
  const length = Number(params.length);
  if (!fileName) return fail('invalid_arguments');
  if (!Number.isSafeInteger(length) || length <= 0) return fail('invalid_arguments');
  const fileId = ctx.uploads.open(fileName, length);
  return { ok: true, upload_url: ctx.uploadUrl(fileId), file_id: fileId };
}

function completeUpload(ctx: WebMethodContext, params: Params): WebMethodResult {
  let entries: unknown;
  try {
    entries = typeof params.files === 'string' ? JSON.parse(params.files) : params.files;
  } catch {
    return fail('invalid_arguments');
  }
  if (!Array.isArray(entries) || entries.length === 0) return fail('invalid_arguments');
  const files = [];
  for (const entry of entries as { id?: unknown; title?: unknown }[]) {
    const file =
      typeof entry?.id === 'string'
        ? ctx.uploads.complete(entry.id, typeof entry.title === 'string' ? entry.title : undefined)
        : undefined;
    if (!file) return fail('file_not_found');
    files.push(file);
  }
  const channelId = stringParam(params, 'channel_id');
  if (channelId) {
    const channel = joinedChannel(ctx, { ...params, channel: channelId });
    if ('ok' in channel) return channel;
    let threadTs = stringParam(params, 'thread_ts') || undefined;
    if (threadTs !== undefined) {
      const parent = ctx.workspace.message(channel.id, threadTs);
      if (!parent) return fail('invalid_thread_ts');
      threadTs = parent.threadTs ?? parent.ts;
    }
    const message = ctx.workspace.addMessage({
      channel: channel.id,
      ...(threadTs !== undefined ? { threadTs } : {}),
      user: ctx.workspace.botUserId,
      botId: ctx.workspace.botId,
      text: stringParam(params, 'initial_comment') ?? '',
      blocks: [],
      files,
    });
    ctx.onBotMessage(message);
  }
  return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title, name: f.name })) };
}

function updateMessage(ctx: WebMethodContext, params: Params): WebMethodResult {
  const channel = visibleChannel(ctx, params);
  if ('ok' in channel) return channel;
  const message = liveMessage(ctx, channel, stringParam(params, 'ts'));
  if (!message) return fail('message_not_found');
  if (message.botId === undefined) return fail('cant_update_message');
  const hasText = params.text !== undefined;
  const hasBlocks = params.blocks !== undefined;
  if (!hasText && !hasBlocks) return fail('no_text');
  const content = checkMessage(
    hasText ? params.text : message.text,
    hasBlocks ? params.blocks : message.blocks,
    false,
  );
  if (!content.ok) return { ...content };
  message.text = content.text;
  message.blocks = content.blocks;
  message.edits += 1;
  message.editedTs = ctx.workspace.nextTs();
  return {
    ok: true,
    channel: channel.id,
    ts: message.ts,
    text: message.text,
    message: messageJson(ctx.workspace, message, ctx.appId),
  };
}

function deleteMessage(ctx: WebMethodContext, params: Params): WebMethodResult {
  const channel = visibleChannel(ctx, params);
  if ('ok' in channel) return channel;
  const message = liveMessage(ctx, channel, stringParam(params, 'ts'));
  if (!message) return fail('message_not_found');
  if (message.botId === undefined) return fail('cant_delete_message');
  message.deleted = true;
  return { ok: true, channel: channel.id, ts: message.ts } satisfies ChatDeleteResponse;
}

function postEphemeral(ctx: WebMethodContext, params: Params): WebMethodResult {
  const channel = joinedChannel(ctx, params);
  if ('ok' in channel) return channel;
  const user = stringParam(params, 'user');
  if (user === undefined || !ctx.workspace.user(user)) return fail('user_not_found');
  if (!channel.members.has(user)) return fail('user_not_in_channel');
  const content = checkMessage(params.text, params.blocks);
  if (!content.ok) return { ...content };
  const threadTs = stringParam(params, 'thread_ts') || undefined;
  ctx.workspace.addEphemeral({
    channel: channel.id,
    user,
    text: content.text,
    blocks: content.blocks,
    ...(threadTs !== undefined ? { threadTs } : {}),
  });
  return { ok: true, message_ts: ctx.workspace.nextTs() } satisfies ChatPostEphemeralResponse;
}

function conversationsInfo(ctx: WebMethodContext, params: Params): WebMethodResult {
  const channel = visibleChannel(ctx, params);
  if ('ok' in channel) return channel;
  return {
    ok: true,
    channel: {
      id: channel.id,
      name: channel.name,
      is_channel: !channel.isPrivate,
      is_group: false,
      is_im: false,
      is_private: channel.isPrivate,
      is_archived: false,
      is_member: channel.members.has(ctx.workspace.botUserId),
      created: channel.created,
      num_members: channel.members.size,
    },
  } satisfies ConversationsInfoResponse;
}

function conversationsReplies(ctx: WebMethodContext, params: Params): WebMethodResult {
  const channel = joinedChannel(ctx, params);
  if ('ok' in channel) return channel;
  const ts = stringParam(params, 'ts') ?? '';
  const thread = ctx.workspace.thread(channel.id, ts).filter((m) => !m.deleted);
  if (thread.length === 0) return fail('thread_not_found');
  const limit = Math.max(1, Math.min(1000, Number(stringParam(params, 'limit') ?? 1000) || 1000));
  const cursor = stringParam(params, 'cursor');
  const offset = cursor
    ? Number(Buffer.from(cursor, 'base64').toString('utf8').replace('offset:', '')) || 0
    : 0;
  const page = thread.slice(offset, offset + limit);
  const hasMore = offset + limit < thread.length;
  return {
    ok: true,
    messages: page.map((m) => messageJson(ctx.workspace, m, ctx.appId)),
    has_more: hasMore,
    response_metadata: {
      next_cursor: hasMore ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '',
    },
  };
}

function reaction(add: boolean): WebMethod['run'] {
  return (ctx, params) => {
    const channel = joinedChannel(ctx, params);
    if ('ok' in channel) return channel;
    const message = liveMessage(ctx, channel, stringParam(params, 'timestamp'));
    if (!message) return fail('message_not_found');
    const name = (stringParam(params, 'name') ?? '').replace(/^:|:$/g, '');
    if (!/^[a-z0-9_+'-]+$/.test(name)) return fail('invalid_name');
    const users = message.reactions.get(name) ?? new Set<string>();
    const bot = ctx.workspace.botUserId;
    if (add) {
      if (users.has(bot)) return fail('already_reacted');
      users.add(bot);
      message.reactions.set(name, users);
    } else {
      if (!users.delete(bot)) return fail('no_reaction');
      if (users.size === 0) message.reactions.delete(name);
    }
    return { ok: true } satisfies ReactionsAddResponse;
  };
}

function usersInfo(ctx: WebMethodContext, params: Params): WebMethodResult {
  const id = stringParam(params, 'user');
  const user = id === undefined ? undefined : ctx.workspace.user(id);
  if (!user) return fail('user_not_found');
  return {
    ok: true,
    user: {
      id: user.id,
      team_id: ctx.workspace.teamId,
      name: user.name,
      real_name: user.realName,
      deleted: false,
      is_bot: user.isBot,
      profile: { real_name: user.realName, display_name: user.name, team: ctx.workspace.teamId },
    },
  } satisfies UsersInfoResponse;
}

/** Every implemented method, by name. Anything else is `unknown_method`. */
export const WEB_METHODS: Readonly<Record<string, WebMethod>> = {
  'auth.test': {
    token: 'bot',
    run: (ctx) =>
      ({
        ok: true,
        url: 'https://fake-workspace.slack.com/',
        team: 'Fake Workspace',
        user: ctx.workspace.user(ctx.workspace.botUserId)?.name ?? 'bot',
        team_id: ctx.workspace.teamId,
        user_id: ctx.workspace.botUserId,
        bot_id: ctx.workspace.botId,
        app_id: ctx.appId,
        is_enterprise_install: false,
      }) satisfies AuthTestResponse,
  },
  'apps.connections.open': {
    token: 'app',
    run: (ctx) => ({ ok: true, url: ctx.socketUrl() }) satisfies AppsConnectionsOpenResponse,
  },
  'chat.postMessage': { token: 'bot', run: postMessage },
  'files.getUploadURLExternal': { token: 'bot', run: getUploadUrl },
  'files.completeUploadExternal': { token: 'bot', run: completeUpload },
  'chat.update': { token: 'bot', run: updateMessage },
  'chat.delete': { token: 'bot', run: deleteMessage },
  'chat.postEphemeral': { token: 'bot', run: postEphemeral },
  'conversations.info': { token: 'bot', run: conversationsInfo },
  'conversations.replies': { token: 'bot', run: conversationsReplies },
  'reactions.add': { token: 'bot', run: reaction(true) },
  'reactions.remove': { token: 'bot', run: reaction(false) },
  'users.info': { token: 'bot', run: usersInfo },
};

/** Decodes JSON-encoded form fields (`blocks`, `attachments`, `metadata`) for the call log. */
export function decodeParamsForLog(params: Params): Record<string, unknown> {
  const { token: _token, ...rest } = params;
  const decoded: Record<string, unknown> = { ...rest };
  if (typeof rest.blocks === 'string') {
    const blocks = parseBlocks(rest.blocks);
    if (Array.isArray(blocks)) decoded.blocks = blocks;
  }
  return decoded;
}
