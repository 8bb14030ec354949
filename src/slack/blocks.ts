/**
 * Block Kit for Slack messages: a card (an {@link OutgoingMessage} with buttons) becomes one section with the
 * card's mrkdwn and one actions block per button row. A decided card (no buttons) keeps only its section.
 * Button values are the core's codec payloads (validated on the way back), never anything a person wrote.
 * @module
 */
import type { ActionsBlock, Button, KnownBlock, SectionBlock } from '@slack/types';
import type { OutgoingMessage } from '../core/outbox.js';

/** Slack's limits that the builders respect. */
export const SLACK_BLOCK_LIMITS = {
  /** Characters of a section's text. */
  sectionText: 3000,
  /** Characters of a button label. */
  buttonText: 75,
  /** Characters of a button value (our payloads are far shorter). */
  buttonValue: 255,
  /** Elements of one actions block. */
  actionsElements: 25,
} as const;

/** Prefix of every button's `action_id`: `at_0`, `at_1`, … unique within a message. */
export const ACTION_ID_PREFIX = 'at_';

/** True for an `action_id` this bridge made. */
export function isOwnActionId(actionId: string): boolean {
  return /^at_\d{1,3}$/.test(actionId);
}

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** The section holding a card's text (mrkdwn, already escaped by the renderer). */
export function cardSection(mrkdwn: string): SectionBlock {
  const text = mrkdwn.trim() === '' ? ' ' : clip(mrkdwn, SLACK_BLOCK_LIMITS.sectionText);
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/**
 * The blocks of a card message: its section, then one actions block per button row.
 * @param message - rendered text and button rows (no rows once decided).
 * @throws RangeError when a button payload is longer than Slack allows (the codec keeps them far shorter).
 */
export function cardBlocks(message: OutgoingMessage): KnownBlock[] {
  const blocks: KnownBlock[] = [cardSection(message.text)];
  let index = 0;
  (message.buttons ?? []).forEach((row, rowIndex) => {
    const elements: Button[] = [];
    for (const button of row.slice(0, SLACK_BLOCK_LIMITS.actionsElements)) {
      if (button.payload.length > SLACK_BLOCK_LIMITS.buttonValue) {
        throw new RangeError(
          `slack: button payload longer than ${SLACK_BLOCK_LIMITS.buttonValue} characters`,
        );
      }
      elements.push({
        type: 'button',
        action_id: `${ACTION_ID_PREFIX}${index++}`,
        text: { type: 'plain_text', text: clip(button.label, SLACK_BLOCK_LIMITS.buttonText), emoji: true },
        value: button.payload,
        ...(button.style ? { style: button.style } : {}),
      });
    }
    if (elements.length > 0) {
      const actions: ActionsBlock = { type: 'actions', block_id: `at_row_${rowIndex}`, elements };
      blocks.push(actions);
    }
  });
  return blocks;
}
