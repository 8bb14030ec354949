/**
 * Checks message bodies the way Discord does and answers with Discord's error shapes
 * (`{ message, code, errors }`, HTTP 400, code 50035 "Invalid Form Body").
 * @module
 */

import type { APIAllowedMentions, APIEmbed, APIMessageTopLevelComponent } from 'discord-api-types/v10';

/** One field error as Discord lists it under `_errors`. */
interface FieldError {
  code: string;
  message: string;
}

/** A nested error tree: keys are field names or indexes, leaves carry `_errors`. */
export interface ErrorTree {
  [key: string]: ErrorTree | FieldError[];
}

/** A JSON error Discord answers with, and its HTTP status. */
export interface DiscordErrorReply {
  status: number;
  body: { message: string; code: number; errors?: ErrorTree };
}

/** A message body that passed validation. */
export interface ValidMessageBody {
  content: string | undefined;
  embeds: APIEmbed[] | undefined;
  components: APIMessageTopLevelComponent[] | undefined;
  flags: number | undefined;
  allowedMentions: APIAllowedMentions | undefined;
}

/** Builds a Discord error reply. */
export function discordError(
  status: number,
  code: number,
  message: string,
  errors?: ErrorTree,
): DiscordErrorReply {
  return { status, body: errors ? { message, code, errors } : { message, code } };
}

/** Collects field errors into Discord's nested tree. */
class ErrorCollector {
  readonly tree: ErrorTree = {};

  add(path: readonly (string | number)[], code: string, message: string): void {
    let node: ErrorTree = this.tree;
    for (const key of path.slice(0, -1)) {
      const next = node[String(key)];
      if (next && !Array.isArray(next)) node = next;
      else {
        const created: ErrorTree = {};
        node[String(key)] = created;
        node = created;
      }
    }
    const leafKey = String(path.at(-1));
    const leaf = node[leafKey];
    const errors = leaf && !Array.isArray(leaf) ? leaf._errors : undefined;
    if (leaf && !Array.isArray(leaf) && Array.isArray(errors)) errors.push({ code, message });
    else node[leafKey] = { ...(leaf && !Array.isArray(leaf) ? leaf : {}), _errors: [{ code, message }] };
  }

  get empty(): boolean {
    return Object.keys(this.tree).length === 0;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function maxLength(errors: ErrorCollector, path: (string | number)[], value: unknown, max: number): void {
  if (typeof value === 'string' && value.length > max) {
    errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  }
}

function checkButtons(errors: ErrorCollector, components: unknown): void {
  if (!Array.isArray(components)) {
    errors.add(['components'], 'BASE_TYPE_LIST', 'Must be a list.');
    return;
  }
  if (components.length > 5) {
    errors.add(['components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 0 and 5 in length.');
  }
  const seen = new Set<string>();
  components.forEach((row: unknown, rowIndex) => {
    if (!isRecord(row) || row.type !== 1) {
      errors.add(
        ['components', rowIndex, 'type'],
        'UNION_TYPE_CHOICES',
        'Value of field "type" must be one of (1,).',
      );
      return;
    }
    const items = row.components;
    if (!Array.isArray(items) || items.length < 1 || items.length > 5) {
      errors.add(
        ['components', rowIndex, 'components'],
        'BASE_TYPE_BAD_LENGTH',
        'Must be between 1 and 5 in length.',
      );
      return;
    }
    items.forEach((item: unknown, itemIndex) => {
      const path = ['components', rowIndex, 'components', itemIndex];
      if (!isRecord(item) || item.type !== 2) {
        errors.add([...path, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (2,).');
        return;
      }
      maxLength(errors, [...path, 'label'], item.label, 80);
      const style = item.style;
      if (typeof style !== 'number' || style < 1 || style > 6) {
        errors.add([...path, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4, 5, 6}.');
      } else if (style === 5) {
        if (typeof item.url !== 'string')
          errors.add([...path, 'url'], 'BASE_TYPE_REQUIRED', 'This field is required');
      } else if (style !== 6) {
        if (typeof item.custom_id !== 'string' || item.custom_id.length === 0) {
          errors.add([...path, 'custom_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
        } else {
          maxLength(errors, [...path, 'custom_id'], item.custom_id, 100);
          if (seen.has(item.custom_id)) {
            errors.add(
              [...path, 'custom_id'],
              'COMPONENT_CUSTOM_ID_DUPLICATED',
              'Component custom id cannot be duplicated',
            );
          }
          seen.add(item.custom_id);
        }
      }
    });
  });
}

function checkEmbeds(errors: ErrorCollector, embeds: unknown): void {
  if (!Array.isArray(embeds)) {
    errors.add(['embeds'], 'BASE_TYPE_LIST', 'Must be a list.');
    return;
  }
  if (embeds.length > 10) errors.add(['embeds'], 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  embeds.forEach((embed: unknown, index) => {
    if (!isRecord(embed)) return;
    maxLength(errors, ['embeds', index, 'title'], embed.title, 256);
    maxLength(errors, ['embeds', index, 'description'], embed.description, 4096);
  });
}

function checkAllowedMentions(errors: ErrorCollector, value: unknown): void {
  if (!isRecord(value)) {
    errors.add(['allowed_mentions'], 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    return;
  }
  const parse = value.parse;
  if (parse !== undefined) {
    if (
      !Array.isArray(parse) ||
      parse.some((item) => !['users', 'roles', 'everyone'].includes(String(item)))
    ) {
      errors.add(
        ['allowed_mentions', 'parse'],
        'BASE_TYPE_CHOICES',
        'Value must be one of {"users", "roles", "everyone"}.',
      );
    } else {
      for (const kind of ['users', 'roles'] as const) {
        if (parse.includes(kind) && Array.isArray(value[kind]) && (value[kind] as unknown[]).length > 0) {
          errors.add(
            ['allowed_mentions'],
            'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
            `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`,
          );
        }
      }
    }
  }
}

/**
 * Validates a message create/edit body (also the `data` of interaction responses and webhook bodies).
 * @param body - the parsed JSON
 * @param mode - `create` also refuses an empty message (Discord's 50006)
 * @returns the normalized body, or the error to answer with
 */
export function validateMessageBody(
  body: unknown,
  mode: 'create' | 'edit',
  attachments = 0,
): { ok: true; value: ValidMessageBody } | { ok: false; error: DiscordErrorReply } {
  if (!isRecord(body)) {
    return { ok: false, error: discordError(400, 50109, 'The request body contains invalid JSON.') };
  }
  const errors = new ErrorCollector();
  const content = body.content;
  if (content !== undefined && content !== null && typeof content !== 'string') {
    errors.add(['content'], 'BASE_TYPE_STRING', 'Must be a string.');
  }
  maxLength(errors, ['content'], content, 2000);
  if (body.components !== undefined && body.components !== null) checkButtons(errors, body.components);
  if (body.embeds !== undefined && body.embeds !== null) checkEmbeds(errors, body.embeds);
  if (body.allowed_mentions !== undefined && body.allowed_mentions !== null) {
    checkAllowedMentions(errors, body.allowed_mentions);
  }
  if (!errors.empty) return { ok: false, error: discordError(400, 50035, 'Invalid Form Body', errors.tree) };

  const value: ValidMessageBody = {
    content: typeof content === 'string' ? content : content === null ? '' : undefined,
    embeds: Array.isArray(body.embeds) ? (body.embeds as APIEmbed[]) : body.embeds === null ? [] : undefined,
    components: Array.isArray(body.components)
      ? (body.components as APIMessageTopLevelComponent[])
      : body.components === null
        ? []
        : undefined,
    flags: typeof body.flags === 'number' ? body.flags : undefined,
    allowedMentions: isRecord(body.allowed_mentions)
      ? (body.allowed_mentions as APIAllowedMentions)
      : undefined,
  };
  const isEmpty =
    (value.content ?? '').trim() === '' &&
    (value.embeds ?? []).length === 0 &&
    (value.components ?? []).length === 0 &&
    attachments === 0;
  if (mode === 'create' && isEmpty) {
    return { ok: false, error: discordError(400, 50006, 'Cannot send an empty message') };
  }
  return { ok: true, value };
}
