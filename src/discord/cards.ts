/**
 * Discord components for card buttons: action rows of at most five buttons, `custom_id` = the payload
 * (at most 100 characters, checked), labels cut to 80 characters, Allow green, Deny red, others grey.
 * @module
 */
import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  ButtonStyle,
  ComponentType,
} from 'discord-api-types/v10';
import { PAYLOAD_LIMITS } from '../core/approvals/codec.js';
import { TetherError } from '../core/errors.js';
import type { OutgoingMessage } from '../core/outbox.js';

/** Discord's maximum buttons in one action row. */
export const MAX_BUTTONS_PER_ROW = 5;
/** Discord's maximum action rows on one message. */
export const MAX_ACTION_ROWS = 5;
/** Discord's maximum button label length. */
export const MAX_BUTTON_LABEL = 80;

type Buttons = NonNullable<OutgoingMessage['buttons']>;
type Button = Buttons[number][number];

function styleOf(button: Button): ButtonStyle.Success | ButtonStyle.Danger | ButtonStyle.Secondary {
  if (button.style === 'primary') return ButtonStyle.Success;
  if (button.style === 'danger') return ButtonStyle.Danger;
  return ButtonStyle.Secondary;
}

function label(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim() || '…';
  return clean.length > MAX_BUTTON_LABEL ? `${clean.slice(0, MAX_BUTTON_LABEL - 1)}…` : clean;
}

/**
 * Builds the action rows for rows of buttons. A row longer than five is split; rows past Discord's fifth
 * are dropped (a card never has that many).
 * @param buttons - the card's rows, or undefined/empty for none.
 * @returns the `components` of a message body (`[]` removes every button).
 * @throws TetherError when a payload is longer than Discord's 100-character `custom_id` limit.
 */
export function discordActionRows(
  buttons: OutgoingMessage['buttons'],
): APIActionRowComponent<APIButtonComponentWithCustomId>[] {
  const rows: APIActionRowComponent<APIButtonComponentWithCustomId>[] = [];
  for (const row of buttons ?? []) {
    for (let start = 0; start < row.length; start += MAX_BUTTONS_PER_ROW) {
      const components = row
        .slice(start, start + MAX_BUTTONS_PER_ROW)
        .map((button): APIButtonComponentWithCustomId => {
          if (button.payload.length > PAYLOAD_LIMITS.discord) {
            throw new TetherError(
              'CONFIG',
              `discord: button payload is ${button.payload.length} characters; custom_id allows ${PAYLOAD_LIMITS.discord}`,
            );
          }
          return {
            type: ComponentType.Button,
            style: styleOf(button),
            custom_id: button.payload,
            label: label(button.label),
          };
        });
      if (components.length > 0) rows.push({ type: ComponentType.ActionRow, components });
    }
  }
  return rows.slice(0, MAX_ACTION_ROWS);
}
