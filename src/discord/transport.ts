/**
 * The Discord {@link OutboxTransport}: Markdown rendered for Discord (mass mentions neutralised) in chunks
 * of at most 2000 characters, messages posted and edited over REST with `allowed_mentions: { parse: [] }`
 * so nothing the bot writes can ping anyone, and card buttons as components.
 * @module
 */
import type { API } from '@discordjs/core';
import type { APIAllowedMentions } from 'discord-api-types/v10';
import type { OutboxTransport, OutgoingMessage } from '../core/outbox.js';
import { renderChunks } from '../format/index.js';
import { discordActionRows } from './cards.js';
import { toTetherError } from './errors.js';

/** Discord's message length limit. */
export const DISCORD_MESSAGE_LIMIT = 2000;

/** Mentions nobody: every message the bridge sends carries this. */
export function noMentions(): APIAllowedMentions {
  return { parse: [] };
}

/** What the transport needs. */
export interface DiscordTransportDeps {
  /** The REST API (available once connected). */
  readonly api: () => API;
  /** Told of every message the bot posted, so the inbound side knows how far a channel was seen. */
  readonly onPosted?: (channelId: string, messageId: string) => void;
}

/** Renders Markdown for Discord, in chunks that fit one message. */
export function renderDiscordChunks(markdown: string): string[] {
  return renderChunks(markdown, 'discord', { limit: DISCORD_MESSAGE_LIMIT });
}

/** Builds the Discord transport of the outbox. Thread refs are channel ids (a thread is a channel). */
export function createDiscordTransport(deps: DiscordTransportDeps): OutboxTransport {
  return {
    platform: 'discord',
    messageLimit: DISCORD_MESSAGE_LIMIT,
    render: renderDiscordChunks,
    chatKey: (ref) => ref,
    async post(ref: string, message: OutgoingMessage): Promise<string> {
      const components = discordActionRows(message.buttons);
      try {
        const sent = await deps.api().channels.createMessage(ref, {
          content: message.text,
          allowed_mentions: noMentions(),
          ...(components.length > 0 ? { components } : {}),
        });
        deps.onPosted?.(ref, sent.id);
        return sent.id;
      } catch (error) {
        throw toTetherError(error, 'POST channels/:id/messages');
      }
    },
    async edit(ref: string, messageId: string, message: OutgoingMessage): Promise<void> {
      try {
        await deps.api().channels.editMessage(ref, messageId, {
          content: message.text,
          allowed_mentions: noMentions(),
          components: discordActionRows(message.buttons),
        });
      } catch (error) {
        throw toTetherError(error, 'PATCH channels/:id/messages/:id');
      }
    },
  };
}
