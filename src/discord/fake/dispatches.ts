/**
 * Gateway dispatches for changes in the fake's world (messages, threads, channels, interactions), with
 * Discord's intent rules: GUILDS for channel/thread events, GUILD_MESSAGES for message events, and message
 * content blanked for sessions without MESSAGE_CONTENT unless the bot wrote or was mentioned in the message.
 * @module
 */

import type {
  GatewayMessageCreateDispatchData,
  GatewayMessageDeleteDispatchData,
  GatewayMessageUpdateDispatchData,
  GuildMemberFlags,
} from 'discord-api-types/v10';
import { type FakeGateway, type GatewaySession, Intent } from './gateway.js';
import type { FakeDiscordModel, StoredChannel, StoredMessage } from './model.js';
import { apiChannel, apiMessage, apiThread } from './payloads.js';

/** What the dispatchers need. */
export interface DispatchContext {
  model: FakeDiscordModel;
  gateway: FakeGateway;
}

/** Whether a session may read a message's content (Discord's MESSAGE_CONTENT rule). */
function seesContent(model: FakeDiscordModel, session: GatewaySession, message: StoredMessage): boolean {
  if (session.intents & Intent.MessageContent) return true;
  if (message.author.id === model.bot.id) return true;
  return message.mentionIds.includes(model.bot.id);
}

function messagePayload(
  context: DispatchContext,
  session: GatewaySession,
  message: StoredMessage,
): GatewayMessageCreateDispatchData {
  const { model } = context;
  const data: GatewayMessageCreateDispatchData = {
    ...apiMessage(model, message, { hideContent: !seesContent(model, session, message) }),
    guild_id: model.guildId,
  };
  if (!message.webhookId) {
    data.member = {
      roles: [],
      joined_at: new Date(0).toISOString(),
      deaf: false,
      mute: false,
      flags: 0 as GuildMemberFlags,
    };
  }
  return data;
}

/** MESSAGE_CREATE (ephemeral messages are never dispatched, as on Discord). */
export function dispatchMessageCreate(context: DispatchContext, message: StoredMessage): void {
  if (message.flags & 64) return;
  context.gateway.dispatch('MESSAGE_CREATE', Intent.GuildMessages, (session) =>
    messagePayload(context, session, message),
  );
}

/** MESSAGE_UPDATE with the full message. */
export function dispatchMessageUpdate(context: DispatchContext, message: StoredMessage): void {
  if (message.flags & 64) return;
  context.gateway.dispatch(
    'MESSAGE_UPDATE',
    Intent.GuildMessages,
    (session): GatewayMessageUpdateDispatchData => messagePayload(context, session, message),
  );
}

/** MESSAGE_DELETE. */
export function dispatchMessageDelete(context: DispatchContext, message: StoredMessage): void {
  const data: GatewayMessageDeleteDispatchData = {
    id: message.id,
    channel_id: message.channelId,
    guild_id: context.model.guildId,
  };
  context.gateway.dispatch('MESSAGE_DELETE', Intent.GuildMessages, () => data);
}

/** THREAD_CREATE / CHANNEL_CREATE. */
export function dispatchChannelCreate(context: DispatchContext, channel: StoredChannel): void {
  if (channel.type === 0) {
    context.gateway.dispatch('CHANNEL_CREATE', Intent.Guilds, () => apiChannel(context.model, channel));
    return;
  }
  context.gateway.dispatch('THREAD_CREATE', Intent.Guilds, () => ({
    ...apiThread(context.model, channel),
    newly_created: true,
  }));
}

/** THREAD_UPDATE / CHANNEL_UPDATE. */
export function dispatchChannelUpdate(context: DispatchContext, channel: StoredChannel): void {
  const event = channel.type === 0 ? 'CHANNEL_UPDATE' : 'THREAD_UPDATE';
  context.gateway.dispatch(event, Intent.Guilds, () => apiChannel(context.model, channel));
}

/** THREAD_DELETE / CHANNEL_DELETE. */
export function dispatchChannelDelete(context: DispatchContext, channel: StoredChannel): void {
  if (channel.type === 0) {
    context.gateway.dispatch('CHANNEL_DELETE', Intent.Guilds, () => apiChannel(context.model, channel));
    return;
  }
  context.gateway.dispatch('THREAD_DELETE', Intent.Guilds, () => ({
    id: channel.id,
    guild_id: context.model.guildId,
    parent_id: channel.parentId,
    type: channel.type,
  }));
}
