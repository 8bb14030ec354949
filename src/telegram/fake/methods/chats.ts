/**
 * Bot, chat and command methods of the fake Bot API.
 * @module
 */
import type { BotCommand, ChatFullInfo, ChatMember, ChatMemberAdministrator, User } from '@grammyjs/types';
import { badRequest } from '../api-rejection.js';
import type { ChatRecord } from '../model.js';
import type { MethodContext, MethodHandler } from './method-context.js';

function botMember(context: MethodContext, chat: ChatRecord): ChatMember {
  if (!chat.botIsAdmin) return { status: 'member', user: context.botInfo };
  const admin: ChatMemberAdministrator = {
    status: 'administrator',
    user: context.botInfo,
    can_be_edited: false,
    is_anonymous: false,
    can_manage_chat: true,
    can_delete_messages: true,
    can_manage_video_chats: false,
    can_restrict_members: false,
    can_promote_members: false,
    can_change_info: false,
    can_invite_users: true,
    can_post_stories: false,
    can_edit_stories: false,
    can_delete_stories: false,
    can_pin_messages: true,
    can_manage_topics: chat.canManageTopics,
    can_send_welcome_messages: false,
  };
  return admin;
}

function member(context: MethodContext, chat: ChatRecord, user: User): ChatMember {
  if (user.id === context.botInfo.id) return botMember(context, chat);
  if (user.id === chat.owner.id) return { status: 'creator', user, is_anonymous: false };
  return { status: 'member', user };
}

const getChat: MethodHandler = (context, { params }) => {
  const chat = context.world.chat(params.chatId());
  const info: ChatFullInfo.SupergroupChat = {
    id: chat.id,
    type: 'supergroup',
    title: chat.title,
    accent_color_id: 0,
    max_reaction_count: 11,
    accepted_gift_types: {
      unlimited_gifts: false,
      limited_gifts: false,
      unique_gifts: false,
      premium_subscription: false,
      gifts_from_channels: false,
    },
  };
  if (chat.isForum) info.is_forum = true;
  return info;
};

const getChatMember: MethodHandler = (context, { params }) => {
  const chat = context.world.chat(params.chatId());
  const userId = params.int('user_id');
  const user = userId === context.botInfo.id ? context.botInfo : context.world.users.get(userId);
  if (!user) throw badRequest('user not found');
  return member(context, chat, user);
};

const getChatAdministrators: MethodHandler = (context, { params }) => {
  const chat = context.world.chat(params.chatId());
  const admins: ChatMember[] = [member(context, chat, chat.owner)];
  if (chat.botIsAdmin) admins.push(botMember(context, chat));
  return admins;
};

/** The key under which commands for a scope and language are stored. */
export function commandScopeKey(scope: unknown, languageCode: string | undefined): string {
  return `${JSON.stringify(scope ?? { type: 'default' })}|${languageCode ?? ''}`;
}

const setMyCommands: MethodHandler = (context, { params }) => {
  const commands = params.json('commands');
  if (!Array.isArray(commands)) throw badRequest('commands is empty');
  if (commands.length > 100) throw badRequest('BOT_COMMANDS_TOO_MUCH');
  for (const command of commands as Partial<BotCommand>[]) {
    if (typeof command.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(command.command)) {
      throw badRequest('BOT_COMMAND_INVALID');
    }
    const description = command.description;
    if (typeof description !== 'string' || description.length < 1 || description.length > 256) {
      throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
    }
  }
  const key = commandScopeKey(params.json('scope'), params.optionalString('language_code'));
  context.world.commands.set(key, commands as BotCommand[]);
  context.world.changed();
  return true;
};

const getMyCommands: MethodHandler = (context, { params }) => {
  const key = commandScopeKey(params.json('scope'), params.optionalString('language_code'));
  return context.world.commands.get(key) ?? [];
};

/** Bot, chat and command methods by name. */
export const chatMethods: Readonly<Record<string, MethodHandler>> = {
  getMe: (context) => context.botInfo,
  getChat,
  getChatMember,
  getChatAdministrators,
  setMyCommands,
  getMyCommands,
};
