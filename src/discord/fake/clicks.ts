/**
 * What a click on a message's button means: which button a person could click, and what they see once the bot
 * answered the interaction (or failed to).
 * @module
 */
import { type FakeDiscordModel, type InteractionAnswer, messageView, type StoredMessage } from './model.js';
import type { FakeClickOutcome } from './types.js';

/** The custom id of the enabled button `options` names on `message`; throws when a person could not click it. */
export function findButton(message: StoredMessage, options: { customId?: string; label?: string }): string {
  const buttons = messageView(message).components.flat();
  const button = buttons.find(
    (candidate) =>
      (options.customId !== undefined && candidate.customId === options.customId) ||
      (options.customId === undefined && options.label !== undefined && candidate.label === options.label),
  );
  const wanted = options.customId ?? options.label ?? '(no customId or label given)';
  if (!button?.customId)
    throw new Error(`FakeDiscordServer.userClicks: no button ${wanted} on ${message.id}`);
  if (button.disabled) throw new Error(`FakeDiscordServer.userClicks: button ${wanted} is disabled`);
  return button.customId;
}

/** What the person sees once an interaction settled. */
export function clickOutcome(
  model: FakeDiscordModel,
  interactionId: string,
  answer: InteractionAnswer | 'expired',
): FakeClickOutcome {
  if (answer === 'expired') return { kind: 'failed', interactionId, reason: 'This interaction failed' };
  const found = model.findMessage(answer.messageId);
  if (answer.type === 6 || !found) return { kind: 'acknowledged', interactionId };
  const message = messageView(found);
  if (answer.type === 4) return { kind: 'reply', interactionId, message };
  if (answer.type === 5) return { kind: 'thinking', interactionId, message };
  return { kind: 'updated', interactionId, message };
}
