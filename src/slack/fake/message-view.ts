/**
 * What a person sees of a stored message: text, blocks, and the buttons they could click.
 * @module
 */

import type { AnyBlock } from '@slack/types';
import type { FakeSlackButton, FakeSlackMessageView } from './types.js';
import type { StoredMessage } from './workspace.js';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function buttonOf(element: unknown, blockId: string): FakeSlackButton | undefined {
  if (!isObject(element) || element.type !== 'button') return undefined;
  const text = isObject(element.text) && typeof element.text.text === 'string' ? element.text.text : '';
  const actionId = typeof element.action_id === 'string' ? element.action_id : '';
  return {
    text,
    actionId,
    blockId,
    ...(typeof element.value === 'string' ? { value: element.value } : {}),
    ...(typeof element.style === 'string' ? { style: element.style } : {}),
  };
}

/**
 * The buttons of a message, in display order: elements of `actions` blocks and section accessories.
 * Blocks without a `block_id` get the index-based id Slack would generate for them here (`b<index>`).
 */
export function buttonsOf(blocks: readonly AnyBlock[]): FakeSlackButton[] {
  const buttons: FakeSlackButton[] = [];
  for (const [index, block] of blocks.entries()) {
    const raw: unknown = block;
    if (!isObject(raw)) continue;
    const blockId = typeof raw.block_id === 'string' ? raw.block_id : `b${index}`;
    const candidates = raw.type === 'actions' && Array.isArray(raw.elements) ? raw.elements : [raw.accessory];
    for (const element of candidates) {
      const button = buttonOf(element, blockId);
      if (button) buttons.push(button);
    }
  }
  return buttons;
}

/** The person's view of a stored message. */
export function viewOf(message: StoredMessage): FakeSlackMessageView {
  return {
    ts: message.ts,
    ...(message.threadTs !== undefined ? { threadTs: message.threadTs } : {}),
    channel: message.channel,
    text: message.text,
    blocks: message.blocks,
    buttons: buttonsOf(message.blocks),
    edits: message.edits,
    deleted: message.deleted,
    user: message.user,
    botPosted: message.botId !== undefined,
    files: message.files ?? [],
  };
}
