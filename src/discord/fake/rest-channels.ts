/**
 * REST routes for the bot's own view of Discord: gateway info, `@me`, channels, threads, messages, typing.
 * @module
 */

import type { RESTGetAPIGatewayBotResult } from 'discord-api-types/v10';
import {
  dispatchChannelCreate,
  dispatchChannelDelete,
  dispatchChannelUpdate,
  dispatchMessageCreate,
  dispatchMessageDelete,
  dispatchMessageUpdate,
} from './dispatches.js';
import type { StoredChannel } from './model.js';
import { apiChannel, apiMessage, apiTextChannel, apiThread, apiUser } from './payloads.js';
import { type FakeRuntime, fail, type RestReply, type RestRoute } from './routes.js';
import { discordError, validateMessageBody } from './validation.js';

const unknownChannel = (): RestReply => fail(discordError(404, 10003, 'Unknown Channel'));
const unknownMessage = (): RestReply => fail(discordError(404, 10008, 'Unknown Message'));
const byChannel = (params: Record<string, string>): string => params.channelId ?? '';
const global = (): string => 'global';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a thread or channel name: 1 to 100 characters. */
function badName(name: unknown, required: boolean): RestReply | undefined {
  if (name === undefined && !required) return undefined;
  if (typeof name !== 'string' || name.length < 1 || name.length > 100) {
    return fail(
      discordError(400, 50035, 'Invalid Form Body', {
        name: {
          _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }],
        },
      }),
    );
  }
  return undefined;
}

function archiveDuration(value: unknown): 60 | 1440 | 4320 | 10080 {
  return value === 60 || value === 4320 || value === 10080 ? value : 1440;
}

/**
 * Makes sure a message may be posted in a channel: an archived thread is unarchived by the post,
 * a locked archived one refuses it.
 */
function openForPosting(runtime: FakeRuntime, channel: StoredChannel): RestReply | undefined {
  if (!channel.archived) return undefined;
  if (channel.locked) return fail(discordError(400, 50083, 'Thread is archived'));
  channel.archived = false;
  channel.archiveTimestamp = new Date().toISOString();
  dispatchChannelUpdate(runtime, channel);
  return undefined;
}

/** The channel, thread, message and misc routes. */
export function channelRoutes(runtime: FakeRuntime): RestRoute[] {
  const { model } = runtime;
  return [
    {
      method: 'GET',
      path: '/gateway/bot',
      auth: true,
      major: global,
      handle: () => {
        const body: RESTGetAPIGatewayBotResult = {
          url: runtime.gatewayUrl(),
          shards: 1,
          session_start_limit: {
            total: 1000,
            remaining: Math.max(0, 1000 - runtime.identifyCount()),
            reset_after: 86_400_000,
            max_concurrency: 1,
          },
        };
        return { status: 200, body };
      },
    },
    {
      method: 'GET',
      path: '/gateway',
      auth: false,
      major: global,
      handle: () => ({ status: 200, body: { url: runtime.gatewayUrl() } }),
    },
    {
      method: 'GET',
      path: '/users/@me',
      auth: true,
      major: global,
      handle: () => ({ status: 200, body: { ...apiUser(model.bot), verified: true, mfa_enabled: false } }),
    },
    {
      method: 'GET',
      path: '/guilds/:guildId/channels',
      auth: true,
      major: (params) => params.guildId ?? '',
      handle: ({ params }) => {
        if (params.guildId !== model.guildId) return fail(discordError(404, 10004, 'Unknown Guild'));
        const channels = [...model.channels.values()]
          .filter((channel) => !channel.deleted && channel.type === 0)
          .map((channel) => apiTextChannel(model, channel));
        return { status: 200, body: channels };
      },
    },
    {
      method: 'GET',
      path: '/guilds/:guildId/threads/active',
      auth: true,
      major: (params) => params.guildId ?? '',
      handle: ({ params }) => {
        if (params.guildId !== model.guildId) return fail(discordError(404, 10004, 'Unknown Guild'));
        const threads = [...model.channels.values()]
          .filter((channel) => !channel.deleted && channel.type !== 0 && !channel.archived)
          .map((channel) => apiThread(model, channel));
        return { status: 200, body: { threads, members: [] } };
      },
    },
    {
      method: 'GET',
      path: '/channels/:channelId',
      auth: true,
      major: byChannel,
      handle: ({ params }) => {
        const channel = model.liveChannel(byChannel(params));
        return channel ? { status: 200, body: apiChannel(model, channel) } : unknownChannel();
      },
    },
    {
      method: 'PATCH',
      path: '/channels/:channelId',
      auth: true,
      major: byChannel,
      handle: ({ params, body }) => {
        const channel = model.liveChannel(byChannel(params));
        if (!channel) return unknownChannel();
        const patch = isRecord(body) ? body : {};
        const invalid = badName(patch.name, false);
        if (invalid) return invalid;
        if (typeof patch.name === 'string') channel.name = patch.name;
        if (channel.type !== 0) {
          if (typeof patch.archived === 'boolean' && patch.archived !== channel.archived) {
            channel.archived = patch.archived;
            channel.archiveTimestamp = new Date().toISOString();
          }
          if (typeof patch.locked === 'boolean') channel.locked = patch.locked;
          if (patch.auto_archive_duration !== undefined) {
            channel.autoArchiveDuration = archiveDuration(patch.auto_archive_duration);
          }
        }
        dispatchChannelUpdate(runtime, channel);
        return { status: 200, body: apiChannel(model, channel) };
      },
    },
    {
      method: 'DELETE',
      path: '/channels/:channelId',
      auth: true,
      major: byChannel,
      handle: ({ params }) => {
        const channel = model.liveChannel(byChannel(params));
        if (!channel) return unknownChannel();
        const body = apiChannel(model, channel);
        channel.deleted = true;
        dispatchChannelDelete(runtime, channel);
        return { status: 200, body };
      },
    },
    {
      method: 'GET',
      path: '/channels/:channelId/messages',
      auth: true,
      major: byChannel,
      handle: ({ params, query }) => {
        const channel = model.liveChannel(byChannel(params));
        if (!channel) return unknownChannel();
        const limit = Math.min(100, Math.max(1, Number(query.get('limit') ?? 50) || 50));
        const messages = [...channel.messages.values()]
          .filter((message) => !message.deleted && !(message.flags & 64))
          .reverse()
          .slice(0, limit)
          .map((message) => apiMessage(model, message));
        return { status: 200, body: messages };
      },
    },
    {
      method: 'POST',
      path: '/channels/:channelId/messages',
      auth: true,
      major: byChannel,
      handle: ({ params, body, files }) => {
        const channel = model.liveChannel(byChannel(params));
        if (!channel) return unknownChannel();
        const valid = validateMessageBody(body, 'create', files.length);
        if (!valid.ok) return fail(valid.error);
        const closed = openForPosting(runtime, channel);
        if (closed) return closed;
        const { content, embeds, components, flags, allowedMentions } = valid.value;
        const message = model.addMessage({
          channel,
          author: model.bot,
          content: content ?? '',
          ...(embeds ? { embeds } : {}),
          ...(components ? { components } : {}),
          // Only SUPPRESS_EMBEDS (4) and SUPPRESS_NOTIFICATIONS (4096) may be set on create.
          flags: (flags ?? 0) & (4 | 4096),
          allowedMentions,
          attachments: [...files],
        });
        dispatchMessageCreate(runtime, message);
        return { status: 200, body: apiMessage(model, message) };
      },
    },
    {
      method: 'GET',
      path: '/channels/:channelId/messages/:messageId',
      auth: true,
      major: byChannel,
      handle: ({ params }) => {
        if (!model.liveChannel(byChannel(params))) return unknownChannel();
        const message = model.liveMessage(byChannel(params), params.messageId ?? '');
        return message ? { status: 200, body: apiMessage(model, message) } : unknownMessage();
      },
    },
    {
      method: 'PATCH',
      path: '/channels/:channelId/messages/:messageId',
      auth: true,
      major: byChannel,
      handle: ({ params, body }) => {
        if (!model.liveChannel(byChannel(params))) return unknownChannel();
        const message = model.liveMessage(byChannel(params), params.messageId ?? '');
        if (!message) return unknownMessage();
        if (message.author.id !== model.bot.id) {
          return fail(discordError(403, 50005, 'Cannot edit a message authored by another user'));
        }
        const valid = validateMessageBody(body, 'edit');
        if (!valid.ok) return fail(valid.error);
        const { content, embeds, components, flags, allowedMentions } = valid.value;
        model.editMessage(message, { content, embeds, components, flags, allowedMentions });
        dispatchMessageUpdate(runtime, message);
        return { status: 200, body: apiMessage(model, message) };
      },
    },
    {
      method: 'DELETE',
      path: '/channels/:channelId/messages/:messageId',
      auth: true,
      major: byChannel,
      handle: ({ params }) => {
        if (!model.liveChannel(byChannel(params))) return unknownChannel();
        const message = model.liveMessage(byChannel(params), params.messageId ?? '');
        if (!message) return unknownMessage();
        message.deleted = true;
        dispatchMessageDelete(runtime, message);
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      path: '/channels/:channelId/threads',
      auth: true,
      major: byChannel,
      handle: ({ params, body }) => {
        const parent = model.liveChannel(byChannel(params));
        if (!parent) return unknownChannel();
        if (parent.type !== 0)
          return fail(discordError(400, 50024, 'Cannot execute action on this channel type'));
        const fields = isRecord(body) ? body : {};
        const invalid = badName(fields.name, true);
        if (invalid) return invalid;
        // Discord's default for a thread without a message is a private thread (12).
        const type =
          fields.type === 11 ? 11 : fields.type === undefined || fields.type === 12 ? 12 : undefined;
        if (type === undefined)
          return fail(discordError(400, 50024, 'Cannot execute action on this channel type'));
        const thread = model.addChannel({
          name: String(fields.name),
          type,
          parentId: parent.id,
          ownerId: model.bot.id,
          autoArchiveDuration: archiveDuration(fields.auto_archive_duration),
        });
        dispatchChannelCreate(runtime, thread);
        return { status: 201, body: apiThread(model, thread) };
      },
    },
    {
      method: 'POST',
      path: '/channels/:channelId/messages/:messageId/threads',
      auth: true,
      major: byChannel,
      handle: ({ params, body }) => {
        const parent = model.liveChannel(byChannel(params));
        if (!parent) return unknownChannel();
        if (parent.type !== 0)
          return fail(discordError(400, 50024, 'Cannot execute action on this channel type'));
        const message = model.liveMessage(parent.id, params.messageId ?? '');
        if (!message) return unknownMessage();
        if (message.threadId) {
          return fail(discordError(400, 160004, 'A thread has already been created for this message'));
        }
        const fields = isRecord(body) ? body : {};
        const invalid = badName(fields.name, true);
        if (invalid) return invalid;
        const thread = model.addChannel({
          id: message.id,
          name: String(fields.name),
          type: 11,
          parentId: parent.id,
          ownerId: model.bot.id,
          startMessageId: message.id,
          autoArchiveDuration: archiveDuration(fields.auto_archive_duration),
        });
        message.threadId = thread.id;
        dispatchChannelCreate(runtime, thread);
        return { status: 201, body: apiThread(model, thread) };
      },
    },
    {
      method: 'POST',
      path: '/channels/:channelId/typing',
      auth: true,
      major: byChannel,
      handle: ({ params }) => {
        const channel = model.liveChannel(byChannel(params));
        if (!channel) return unknownChannel();
        channel.typingCount++;
        return { status: 204 };
      },
    },
  ];
}
