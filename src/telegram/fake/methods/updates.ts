/**
 * Update methods of the fake Bot API: `getUpdates` long polling, `deleteWebhook`, `answerCallbackQuery`.
 * @module
 */
import { BotApiRejection, badRequest } from '../api-rejection.js';
import type { MethodHandler } from './method-context.js';

const getUpdates: MethodHandler = async (context, { params, onHangUp }) => {
  const limit = params.optionalInt('limit') ?? 100;
  const allowed = params.json('allowed_updates');
  const { outcome, abandon } = context.queue.poll({
    offset: params.optionalInt('offset'),
    limit: Math.min(100, Math.max(1, limit)),
    timeoutSeconds: Math.max(0, params.optionalInt('timeout') ?? 0),
    allowedUpdates: Array.isArray(allowed) ? allowed.map((type) => String(type)) : undefined,
  });
  onHangUp(abandon);
  const result = await outcome;
  if (result.kind === 'conflict') {
    throw new BotApiRejection(
      409,
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    );
  }
  return result.updates;
};

const deleteWebhook: MethodHandler = (context, { params }) => {
  if (params.bool('drop_pending_updates')) context.queue.dropPending();
  return true;
};

const answerCallbackQuery: MethodHandler = (context, { params }) => {
  const id = params.string(
    'callback_query_id',
    'query is too old and response timeout expired or query ID is invalid',
  );
  const text = params.optionalString('text');
  if (text !== undefined && [...text].length > 200) throw badRequest('MESSAGE_TOO_LONG');
  const showAlert = params.bool('show_alert');
  context.callbacks.answer(id, {
    ...(text === undefined ? {} : { text }),
    ...(showAlert ? { showAlert } : {}),
  });
  return true;
};

/** Update methods by name. */
export const updateMethods: Readonly<Record<string, MethodHandler>> = {
  getUpdates,
  deleteWebhook,
  getWebhookInfo: (context) => ({
    url: '',
    has_custom_certificate: false,
    pending_update_count: context.queue.pending.length,
  }),
  answerCallbackQuery,
};
