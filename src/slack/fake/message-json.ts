/**
 * Messages as the Web API returns them (chat.postMessage `message`, conversations.replies `messages`).
 * @module
 */

import type { AnyBlock } from '@slack/types';
import type { SlackWorkspace, StoredMessage } from './workspace.js';

/** A message object in Slack's wire shape. */
export interface SlackMessageJson {
  type: 'message';
  text: string;
  user: string;
  ts: string;
  team: string;
  blocks?: AnyBlock[];
  bot_id?: string;
  app_id?: string;
  thread_ts?: string;
  parent_user_id?: string;
  reply_count?: number;
  latest_reply?: string;
  edited?: { user: string; ts: string };
  reactions?: { name: string; count: number; users: string[] }[];
}

/** The wire shape of a stored message. */
export function messageJson(
  workspace: SlackWorkspace,
  message: StoredMessage,
  appId: string,
): SlackMessageJson {
  const json: SlackMessageJson = {
    type: 'message',
    text: message.text,
    user: message.user,
    ts: message.ts,
    team: workspace.teamId,
  };
  if (message.blocks.length > 0) json.blocks = message.blocks;
  if (message.botId !== undefined) {
    json.bot_id = message.botId;
    json.app_id = appId;
  }
  if (message.threadTs !== undefined) {
    json.thread_ts = message.threadTs;
    const parent = workspace.message(message.channel, message.threadTs);
    if (parent) json.parent_user_id = parent.user;
  } else {
    const replies = workspace.thread(message.channel, message.ts).slice(1);
    if (replies.length > 0) {
      json.thread_ts = message.ts;
      json.reply_count = replies.length;
      json.latest_reply = replies.at(-1)?.ts ?? message.ts;
    }
  }
  if (message.editedTs !== undefined) json.edited = { user: message.user, ts: message.editedTs };
  if (message.reactions.size > 0) {
    json.reactions = [...message.reactions].map(([name, users]) => ({
      name,
      count: users.size,
      users: [...users],
    }));
  }
  return json;
}
