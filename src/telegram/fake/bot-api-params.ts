/**
 * Typed reading of Bot API parameters, which arrive as JSON values or as strings (query, form, multipart).
 * @module
 */
import { badRequest } from './api-rejection.js';
import type { BotApiParams, UploadedFile } from './request-body.js';

/** Reads one request's parameters, refusing wrong ones the way Telegram does (`400 Bad Request: ...`). */
export class ParamReader {
  /** @param params - the parsed request parameters. */
  constructor(readonly params: BotApiParams) {}

  /** The raw value of `name`, or undefined. */
  raw(name: string): unknown {
    const value = this.params.values[name];
    return value === null ? undefined : value;
  }

  /** An optional integer parameter. */
  optionalInt(name: string): number | undefined {
    const value = this.raw(name);
    if (value === undefined || value === '') return undefined;
    const number = typeof value === 'number' ? value : Number(value);
    if (!Number.isInteger(number)) throw badRequest(`invalid ${name} specified`);
    return number;
  }

  /** A required integer parameter. */
  int(name: string): number {
    const value = this.optionalInt(name);
    if (value === undefined) throw badRequest(`${name} is empty`);
    return value;
  }

  /** An optional string parameter (numbers are stringified). */
  optionalString(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    return typeof value === 'string'
      ? value
      : typeof value === 'number'
        ? String(value)
        : JSON.stringify(value);
  }

  /** A required string parameter. */
  string(name: string, emptyDescription = `${name} is empty`): string {
    const value = this.optionalString(name);
    if (value === undefined || value === '') throw badRequest(emptyDescription);
    return value;
  }

  /** An optional boolean parameter (`true`/`"true"`/`1`). */
  bool(name: string): boolean {
    const value = this.raw(name);
    return value === true || value === 'true' || value === 1 || value === '1';
  }

  /** An optional JSON parameter: an object/array, or a string holding JSON. */
  json(name: string): unknown {
    const value = this.raw(name);
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      throw badRequest(`can't parse ${name} JSON object`);
    }
  }

  /** The `chat_id` parameter: Telegram accepts an integer or an `@username`. */
  chatId(): number | string {
    const value = this.raw('chat_id');
    if (value === undefined || value === '') throw badRequest('chat_id is empty');
    if (typeof value === 'number') return value;
    const text = String(value);
    return /^-?\d+$/.test(text) ? Number(text) : text;
  }

  /** The uploaded file referenced by parameter `name` (`attach://<field>` or the field itself). */
  file(name: string): UploadedFile | undefined {
    const value = this.raw(name);
    if (typeof value === 'string' && value.startsWith('attach://')) {
      return this.params.files.get(value.slice('attach://'.length));
    }
    return this.params.files.get(name);
  }
}
