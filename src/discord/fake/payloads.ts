/**
 * Builds Discord API v10 objects (users, messages, channels, the guild, interactions) from the fake's state,
 * shaped as Discord sends them.
 * @module
 */

import type {
  APIChannel,
  APIGuildMember,
  APIInteractionGuildMember,
  APIMessage,
  APIMessageComponentButtonInteraction,
  APITextChannel,
  APIThreadChannel,
  APIUser,
  GatewayGuildCreateDispatchData,
  GuildMemberFlags,
  GuildSystemChannelFlags,
  Locale,
} from 'discord-api-types/v10';
import { attachmentUrl } from './cdn.js';
import type {
  FakeDiscordModel,
  StoredChannel,
  StoredInteraction,
  StoredMessage,
  StoredUser,
} from './model.js';

/** Discord's locale tag for US English (the enum is a runtime value, so it is spelled here). */
const EN_US = 'en-US' as Locale;

/** All permission bits a guild owner has, as Discord serialises them. */
const ALL_PERMISSIONS = '2251799813685247';

/** An API user. */
export function apiUser(user: StoredUser): APIUser {
  return {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: user.bot ? null : user.username,
    avatar: null,
    ...(user.bot ? { bot: true } : {}),
  };
}

/** A guild member wrapping a user. */
export function apiMember(user: StoredUser, joinedAt: string): APIGuildMember {
  return {
    user: apiUser(user),
    roles: [],
    joined_at: joinedAt,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
  };
}

/** A text channel or thread. */
export function apiChannel(model: FakeDiscordModel, channel: StoredChannel): APIChannel {
  if (channel.type === 0) return apiTextChannel(model, channel);
  return apiThread(model, channel);
}

/** A guild text channel. */
export function apiTextChannel(model: FakeDiscordModel, channel: StoredChannel): APITextChannel {
  return {
    id: channel.id,
    type: 0,
    guild_id: model.guildId,
    name: channel.name,
    position: 0,
    permission_overwrites: [],
    parent_id: null,
    nsfw: false,
    topic: null,
    last_message_id: channel.lastMessageId,
    rate_limit_per_user: 0,
  };
}

/** A public or private thread. */
export function apiThread(model: FakeDiscordModel, channel: StoredChannel): APIThreadChannel {
  const thread: APIThreadChannel = {
    id: channel.id,
    type: channel.type === 12 ? 12 : 11,
    guild_id: model.guildId,
    name: channel.name,
    last_message_id: channel.lastMessageId,
    rate_limit_per_user: 0,
    message_count: countLive(channel),
    member_count: 1,
    total_message_sent: channel.messages.size,
    thread_metadata: {
      archived: channel.archived,
      auto_archive_duration: channel.autoArchiveDuration,
      archive_timestamp: channel.archiveTimestamp,
      locked: channel.locked,
    },
  };
  if (channel.parentId) thread.parent_id = channel.parentId;
  if (channel.ownerId) thread.owner_id = channel.ownerId;
  return thread;
}

function countLive(channel: StoredChannel): number {
  let count = 0;
  for (const message of channel.messages.values()) if (!message.deleted) count++;
  return count;
}

/**
 * A message as the API returns it.
 * @param options.hideContent - blank content, embeds and components, as Discord does for a gateway
 *   session without the MESSAGE_CONTENT intent.
 */
export function apiMessage(
  model: FakeDiscordModel,
  message: StoredMessage,
  options: { hideContent?: boolean } = {},
): APIMessage {
  const channel = model.channels.get(message.channelId);
  const mentions: APIUser[] = [];
  for (const id of new Set(message.mentionIds)) {
    mentions.push(
      id === model.bot.id ? apiUser(model.bot) : apiUser({ id, username: `user${id}`, bot: false }),
    );
  }
  const hide = options.hideContent === true;
  const result: APIMessage = {
    id: message.id,
    channel_id: message.channelId,
    author: apiUser(message.author),
    content: hide ? '' : message.content,
    timestamp: message.createdAt,
    edited_timestamp: message.editedAt,
    tts: false,
    mention_everyone: false,
    mentions,
    mention_roles: [],
    attachments: message.attachments.map((file) => ({
      id: file.id,
      filename: file.filename,
      size: file.size,
      url: attachmentUrl(model, message.channelId, file.id, file.filename),
      ...(file.contentType !== undefined ? { content_type: file.contentType } : {}),
      proxy_url: `https://media.discordapp.net/attachments/${message.channelId}/${file.id}/${file.filename}`,
    })),
    embeds: hide ? [] : message.embeds,
    pinned: false,
    type: 0,
    flags: message.flags,
    components: hide ? [] : message.components,
  };
  if (message.webhookId) {
    result.webhook_id = message.webhookId;
    result.application_id = message.webhookId;
  }
  const thread = message.threadId ? model.channels.get(message.threadId) : undefined;
  if (thread && !thread.deleted) result.thread = apiThread(model, thread);
  if (channel?.type !== 0 && channel?.parentId) result.position = channel.messages.size - 1;
  return result;
}

/** The GUILD_CREATE payload sent after READY. */
export function guildCreate(model: FakeDiscordModel, joinedAt: string): GatewayGuildCreateDispatchData {
  const channels: GatewayGuildCreateDispatchData['channels'] = [];
  const threads: GatewayGuildCreateDispatchData['threads'] = [];
  for (const channel of model.channels.values()) {
    if (channel.deleted) continue;
    if (channel.type === 0) channels.push(apiTextChannel(model, channel));
    else if (!channel.archived) threads.push(apiThread(model, channel));
  }
  return {
    id: model.guildId,
    name: model.guildName,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: model.bot.id,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [],
    emojis: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0 as GuildSystemChannelFlags,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: EN_US,
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    joined_at: joinedAt,
    large: false,
    member_count: 1,
    voice_states: [],
    members: [apiMember(model.bot, joinedAt)],
    channels,
    threads,
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** The INTERACTION_CREATE payload of a button click. */
export function buttonInteraction(
  model: FakeDiscordModel,
  applicationId: string,
  interaction: StoredInteraction,
  customId: string,
  message: StoredMessage,
): APIMessageComponentButtonInteraction {
  const channel = model.channels.get(interaction.channelId);
  const member: APIInteractionGuildMember = {
    ...apiMember(interaction.user, new Date(0).toISOString()),
    user: apiUser(interaction.user),
    permissions: ALL_PERMISSIONS,
  };
  return {
    id: interaction.id,
    application_id: applicationId,
    type: 3,
    data: { custom_id: customId, component_type: 2 },
    guild: { id: model.guildId, features: [], locale: EN_US },
    guild_id: model.guildId,
    channel: channel ? apiChannel(model, channel) : { id: interaction.channelId, type: 0 },
    channel_id: interaction.channelId,
    member,
    token: interaction.token,
    version: 1,
    message: apiMessage(model, message),
    app_permissions: ALL_PERMISSIONS,
    locale: EN_US,
    guild_locale: EN_US,
    entitlements: [],
    authorizing_integration_owners: { 0: model.guildId },
    context: 0,
    attachment_size_limit: 10_485_760,
  };
}
