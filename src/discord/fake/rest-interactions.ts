/**
 * REST routes of interactions: the initial callback (types 4, 5, 6, 7; once; within 3 s) and the
 * interaction webhook (follow-ups, `@original` get/edit/delete; 15 minutes).
 * @module
 */

import { dispatchMessageCreate, dispatchMessageDelete, dispatchMessageUpdate } from './dispatches.js';
import type { InteractionAnswer, StoredInteraction, StoredMessage } from './model.js';
import { apiMessage } from './payloads.js';
import { type FakeRuntime, fail, type RestReply, type RestRoute } from './routes.js';
import { discordError, validateMessageBody } from './validation.js';

/** How long an interaction token stays usable for follow-ups, unscaled. */
const TOKEN_LIFETIME_MS = 15 * 60 * 1000;

const unknownInteraction = (): RestReply => fail(discordError(404, 10062, 'Unknown interaction'));
const unknownWebhook = (): RestReply => fail(discordError(404, 10015, 'Unknown Webhook'));
const unknownMessage = (): RestReply => fail(discordError(404, 10008, 'Unknown Message'));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The interaction routes. */
export function interactionRoutes(runtime: FakeRuntime): RestRoute[] {
  const { model } = runtime;

  const byToken = (token: string | undefined): StoredInteraction | undefined => {
    for (const interaction of model.interactions.values())
      if (interaction.token === token) return interaction;
    return undefined;
  };

  /** The acknowledged interaction behind a webhook URL, if still valid. */
  const webhookInteraction = (params: Record<string, string>): StoredInteraction | undefined => {
    if (params.webhookId !== runtime.applicationId) return undefined;
    const interaction = byToken(params.token);
    if (!interaction?.answer) return undefined;
    const expiresAt = interaction.deadline + (TOKEN_LIFETIME_MS - 3000) * runtime.timeScale;
    return Date.now() <= expiresAt ? interaction : undefined;
  };

  const webhookMessage = (interaction: StoredInteraction, messageId: string): StoredMessage | undefined => {
    const id = messageId === '@original' ? interaction.answer?.messageId : messageId;
    return id ? model.liveMessage(interaction.channelId, id) : undefined;
  };

  const callback = (
    interaction: StoredInteraction,
    body: Record<string, unknown>,
  ): RestReply | InteractionAnswer => {
    const channel = model.liveChannel(interaction.channelId);
    const clicked = model.liveMessage(interaction.channelId, interaction.messageId);
    if (!channel || !clicked) return unknownInteraction();
    const data = isRecord(body.data) ? body.data : {};
    switch (body.type) {
      case 4:
      case 5: {
        const valid = validateMessageBody(data, body.type === 4 ? 'create' : 'edit');
        if (!valid.ok) return fail(valid.error);
        const { content, embeds, components, flags, allowedMentions } = valid.value;
        const ephemeral = (flags ?? 0) & 64;
        const message = model.addMessage({
          channel,
          author: model.bot,
          content: body.type === 4 ? (content ?? '') : '',
          ...(body.type === 4 && embeds ? { embeds } : {}),
          ...(body.type === 4 && components ? { components } : {}),
          // A deferred reply shows "<bot> is thinking..." (LOADING, 128) until edited.
          flags: body.type === 4 ? (flags ?? 0) & (4 | 64 | 4096) : 128 | ephemeral,
          allowedMentions,
          webhookId: runtime.applicationId,
        });
        dispatchMessageCreate(runtime, message);
        return { type: body.type, messageId: message.id };
      }
      case 6:
        return { type: 6, messageId: clicked.id };
      case 7: {
        const valid = validateMessageBody(data, 'edit');
        if (!valid.ok) return fail(valid.error);
        const { content, embeds, components, allowedMentions } = valid.value;
        model.editMessage(clicked, { content, embeds, components, allowedMentions });
        dispatchMessageUpdate(runtime, clicked);
        return { type: 7, messageId: clicked.id };
      }
      default:
        return fail(
          discordError(400, 50035, 'Invalid Form Body', {
            type: { _errors: [{ code: 'BASE_TYPE_CHOICES', message: 'Value must be one of {4, 5, 6, 7}.' }] },
          }),
        );
    }
  };

  return [
    {
      method: 'POST',
      path: '/interactions/:interactionId/:token/callback',
      auth: false,
      major: (params) => params.interactionId ?? '',
      handle: ({ params, body, query }) => {
        const interaction = model.interactions.get(params.interactionId ?? '');
        if (!interaction || interaction.token !== params.token) return unknownInteraction();
        if (interaction.answer) {
          return fail(discordError(400, 40060, 'Interaction has already been acknowledged.'));
        }
        if (Date.now() > interaction.deadline) return unknownInteraction();
        const answer = callback(interaction, isRecord(body) ? body : {});
        if ('status' in answer) return answer;
        interaction.answer = answer;
        interaction.settle(answer);
        if (query.get('with_response') !== 'true') return { status: 204 };
        const message = model.liveMessage(interaction.channelId, answer.messageId);
        return {
          status: 200,
          body: {
            interaction: {
              id: interaction.id,
              type: 3,
              activity_instance_id: null,
              response_message_id: message?.id ?? null,
              response_message_loading: answer.type === 5,
              response_message_ephemeral: message ? (message.flags & 64) !== 0 : false,
            },
            resource: { type: answer.type, ...(message ? { message: apiMessage(model, message) } : {}) },
          },
        };
      },
    },
    {
      method: 'POST',
      path: '/webhooks/:webhookId/:token',
      auth: false,
      major: (params) => `${params.webhookId}/${params.token}`,
      handle: ({ params, body, query }) => {
        const interaction = webhookInteraction(params);
        const channel = interaction && model.liveChannel(interaction.channelId);
        if (!interaction || !channel) return unknownWebhook();
        const valid = validateMessageBody(body, 'create');
        if (!valid.ok) return fail(valid.error);
        const { content, embeds, components, flags, allowedMentions } = valid.value;
        const message = model.addMessage({
          channel,
          author: model.bot,
          content: content ?? '',
          ...(embeds ? { embeds } : {}),
          ...(components ? { components } : {}),
          flags: (flags ?? 0) & (4 | 64 | 4096),
          allowedMentions,
          webhookId: runtime.applicationId,
        });
        dispatchMessageCreate(runtime, message);
        return query.get('wait') === 'true'
          ? { status: 200, body: apiMessage(model, message) }
          : { status: 204 };
      },
    },
    {
      method: 'GET',
      path: '/webhooks/:webhookId/:token/messages/:messageId',
      auth: false,
      major: (params) => `${params.webhookId}/${params.token}`,
      handle: ({ params }) => {
        const interaction = webhookInteraction(params);
        if (!interaction) return unknownWebhook();
        const message = webhookMessage(interaction, params.messageId ?? '');
        return message ? { status: 200, body: apiMessage(model, message) } : unknownMessage();
      },
    },
    {
      method: 'PATCH',
      path: '/webhooks/:webhookId/:token/messages/:messageId',
      auth: false,
      major: (params) => `${params.webhookId}/${params.token}`,
      handle: ({ params, body }) => {
        const interaction = webhookInteraction(params);
        if (!interaction) return unknownWebhook();
        const message = webhookMessage(interaction, params.messageId ?? '');
        if (!message) return unknownMessage();
        const valid = validateMessageBody(body, 'edit');
        if (!valid.ok) return fail(valid.error);
        const { content, embeds, components, allowedMentions } = valid.value;
        model.editMessage(message, {
          content,
          embeds,
          components,
          allowedMentions,
          flags: message.flags & ~128,
        });
        dispatchMessageUpdate(runtime, message);
        return { status: 200, body: apiMessage(model, message) };
      },
    },
    {
      method: 'DELETE',
      path: '/webhooks/:webhookId/:token/messages/:messageId',
      auth: false,
      major: (params) => `${params.webhookId}/${params.token}`,
      handle: ({ params }) => {
        const interaction = webhookInteraction(params);
        if (!interaction) return unknownWebhook();
        const message = webhookMessage(interaction, params.messageId ?? '');
        if (!message) return unknownMessage();
        message.deleted = true;
        dispatchMessageDelete(runtime, message);
        return { status: 204 };
      },
    },
  ];
}
