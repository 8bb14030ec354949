/**
 * Slack's documented message and Block Kit limits, checked the way the Web API does: the first broken rule
 * answers `ok: false` with an error code and a JSON-pointer description in `errors`.
 * @module
 */

import type { AnyBlock } from '@slack/types';

/** Limits from Slack's docs (chat.postMessage and the Block Kit reference). */
export const SLACK_LIMITS = {
  messageText: 40_000,
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  markdownText: 12_000,
  actionsElements: 25,
  contextElements: 10,
  blockId: 255,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  buttonUrl: 3000,
} as const;

/** A rejected message: Slack's error code and its human-readable details. */
export interface MessageRejection {
  readonly ok: false;
  readonly error: string;
  readonly errors?: readonly string[];
}

/** The checked content of a message. */
export interface CheckedMessage {
  readonly ok: true;
  readonly text: string;
  readonly blocks: AnyBlock[];
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(value: unknown): string | undefined {
  return isObject(value) && typeof value.text === 'string' ? value.text : undefined;
}

function invalid(detail: string, pointer: string): MessageRejection {
  return { ok: false, error: 'invalid_blocks', errors: [`${detail} [json-pointer:${pointer}]`] };
}

/** Parses `blocks` as sent: a JSON string (form body) or an array (JSON body). */
export function parseBlocks(raw: unknown): AnyBlock[] | MessageRejection | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, error: 'invalid_blocks_format' };
    }
  }
  if (!Array.isArray(value)) return { ok: false, error: 'invalid_blocks_format' };
  return value as AnyBlock[];
}

function checkButton(
  element: JsonObject,
  pointer: string,
  actionIds: Set<string>,
): MessageRejection | undefined {
  const label = textOf(element.text);
  if (label === undefined) return invalid('missing required field: text', `${pointer}/text`);
  if (isObject(element.text) && element.text.type !== 'plain_text') {
    return invalid('must be a plain_text object', `${pointer}/text`);
  }
  if (label.length > SLACK_LIMITS.buttonText) {
    return invalid(`must be less than ${SLACK_LIMITS.buttonText + 1} characters`, `${pointer}/text/text`);
  }
  if (typeof element.value === 'string' && element.value.length > SLACK_LIMITS.buttonValue) {
    return invalid(`must be less than ${SLACK_LIMITS.buttonValue + 1} characters`, `${pointer}/value`);
  }
  if (typeof element.url === 'string' && element.url.length > SLACK_LIMITS.buttonUrl) {
    return invalid(`must be less than ${SLACK_LIMITS.buttonUrl + 1} characters`, `${pointer}/url`);
  }
  return checkActionId(element, pointer, actionIds);
}

function checkActionId(
  element: JsonObject,
  pointer: string,
  actionIds: Set<string>,
): MessageRejection | undefined {
  if (typeof element.action_id !== 'string') return undefined;
  if (element.action_id.length > SLACK_LIMITS.actionId) {
    return invalid(`must be less than ${SLACK_LIMITS.actionId + 1} characters`, `${pointer}/action_id`);
  }
  if (actionIds.has(element.action_id)) return invalid('action_id already exists', `${pointer}/action_id`);
  actionIds.add(element.action_id);
  return undefined;
}

function checkElement(
  element: unknown,
  pointer: string,
  actionIds: Set<string>,
): MessageRejection | undefined {
  if (!isObject(element) || typeof element.type !== 'string') {
    return invalid('missing required field: type', pointer);
  }
  if (element.type === 'button') return checkButton(element, pointer, actionIds);
  return checkActionId(element, pointer, actionIds);
}

function checkSection(
  block: JsonObject,
  pointer: string,
  actionIds: Set<string>,
): MessageRejection | undefined {
  const text = textOf(block.text);
  const fields = Array.isArray(block.fields) ? block.fields : undefined;
  if (text === undefined && fields === undefined) {
    return invalid('must provide either text or fields', pointer);
  }
  if (text !== undefined && text.length > SLACK_LIMITS.sectionText) {
    return invalid(`must be less than ${SLACK_LIMITS.sectionText + 1} characters`, `${pointer}/text/text`);
  }
  if (fields) {
    if (fields.length > SLACK_LIMITS.sectionFields) {
      return invalid(`no more than ${SLACK_LIMITS.sectionFields} items allowed`, `${pointer}/fields`);
    }
    for (const [index, field] of fields.entries()) {
      const fieldText = textOf(field) ?? '';
      if (fieldText.length > SLACK_LIMITS.sectionFieldText) {
        return invalid(
          `must be less than ${SLACK_LIMITS.sectionFieldText + 1} characters`,
          `${pointer}/fields/${index}/text`,
        );
      }
    }
  }
  if (block.accessory !== undefined) return checkElement(block.accessory, `${pointer}/accessory`, actionIds);
  return undefined;
}

function checkBlock(
  block: unknown,
  pointer: string,
  blockIds: Set<string>,
  actionIds: Set<string>,
): MessageRejection | undefined {
  if (!isObject(block) || typeof block.type !== 'string')
    return invalid('missing required field: type', pointer);
  if (typeof block.block_id === 'string') {
    if (block.block_id.length > SLACK_LIMITS.blockId) {
      return invalid(`must be less than ${SLACK_LIMITS.blockId + 1} characters`, `${pointer}/block_id`);
    }
    if (blockIds.has(block.block_id)) return invalid('block_id already exists', `${pointer}/block_id`);
    blockIds.add(block.block_id);
  }
  switch (block.type) {
    case 'section':
      return checkSection(block, pointer, actionIds);
    case 'header': {
      const text = textOf(block.text) ?? '';
      return text.length > SLACK_LIMITS.headerText
        ? invalid(`must be less than ${SLACK_LIMITS.headerText + 1} characters`, `${pointer}/text/text`)
        : undefined;
    }
    case 'markdown': {
      const text = typeof block.text === 'string' ? block.text : '';
      return text.length > SLACK_LIMITS.markdownText
        ? invalid(`must be less than ${SLACK_LIMITS.markdownText + 1} characters`, `${pointer}/text`)
        : undefined;
    }
    case 'actions':
    case 'context': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      const max = block.type === 'actions' ? SLACK_LIMITS.actionsElements : SLACK_LIMITS.contextElements;
      if (elements.length === 0) return invalid('must contain at least 1 item', `${pointer}/elements`);
      if (elements.length > max) return invalid(`no more than ${max} items allowed`, `${pointer}/elements`);
      for (const [index, element] of elements.entries()) {
        const rejection =
          block.type === 'actions'
            ? checkElement(element, `${pointer}/elements/${index}`, actionIds)
            : undefined;
        if (rejection) return rejection;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Checks a message's `text` and `blocks` as chat.postMessage / chat.update would.
 * @param rawText - the `text` argument.
 * @param rawBlocks - the `blocks` argument (JSON string or array).
 * @param requireContent - whether a message with neither text nor blocks is `no_text`.
 */
export function checkMessage(
  rawText: unknown,
  rawBlocks: unknown,
  requireContent = true,
): CheckedMessage | MessageRejection {
  const text = rawText === undefined || rawText === null ? '' : String(rawText);
  const blocks = parseBlocks(rawBlocks);
  if (blocks !== undefined && !Array.isArray(blocks)) return blocks;
  if (requireContent && text === '' && (blocks === undefined || blocks.length === 0)) {
    return { ok: false, error: 'no_text' };
  }
  if (text.length > SLACK_LIMITS.messageText) return { ok: false, error: 'msg_too_long' };
  const list = blocks ?? [];
  if (list.length > SLACK_LIMITS.blocksPerMessage) {
    return invalid(`no more than ${SLACK_LIMITS.blocksPerMessage} items allowed`, '/blocks');
  }
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  for (const [index, block] of list.entries()) {
    const rejection = checkBlock(block, `/blocks/${index}`, blockIds, actionIds);
    if (rejection) return rejection;
  }
  return { ok: true, text, blocks: list };
}
