/**
 * Reads Bot API parameters the three ways clients send them: query string, JSON,
 * `application/x-www-form-urlencoded` and `multipart/form-data` (grammY's file uploads).
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { readBody } from '../../testing/kit/http-server.js';

/** A file received in a multipart upload. */
export interface UploadedFile {
  readonly fileName: string;
  readonly size: number;
  readonly contentType: string;
  /** The uploaded bytes. */
  readonly data: Buffer;
}

/** Parameters of one Bot API request, with uploads resolved from their `attach://` references. */
export interface BotApiParams {
  readonly values: Record<string, unknown>;
  /** Uploaded files by form field name (grammY names them randomly and refers to them with `attach://`). */
  readonly files: ReadonlyMap<string, UploadedFile>;
}

const MAX_BODY_BYTES = 60 * 1024 * 1024;

/**
 * Reads the request's query and body into parameters.
 * @param req - the incoming request.
 * @param url - the parsed request URL.
 * @throws Error when the body is malformed (the caller answers 400).
 */
export async function readBotApiParams(req: IncomingMessage, url: URL): Promise<BotApiParams> {
  const values: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const files = new Map<string, UploadedFile>();
  const body = await readBody(req, MAX_BODY_BYTES);
  const contentType = req.headers['content-type'] ?? '';
  if (body.length === 0) return { values, files };
  if (contentType.includes('application/json')) {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('JSON body is not an object');
    Object.assign(values, parsed);
  } else if (contentType.includes('application/x-www-form-urlencoded')) {
    Object.assign(values, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  } else if (contentType.includes('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
    const marker = boundary?.[1] ?? boundary?.[2];
    if (!marker) throw new Error('multipart body without boundary');
    for (const part of splitMultipart(body, marker)) {
      if (part.fileName === undefined) values[part.name] = part.data.toString('utf8');
      else
        files.set(part.name, {
          fileName: part.fileName,
          size: part.data.length,
          contentType: part.contentType,
          data: part.data,
        });
    }
  }
  return { values, files };
}

interface MultipartPart {
  readonly name: string;
  readonly fileName: string | undefined;
  readonly contentType: string;
  readonly data: Buffer;
}

function splitMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const afterDelimiter = start + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, afterDelimiter);
    if (next === -1) throw new Error('multipart body is not terminated');
    // Each part sits between "\r\n" after the delimiter and "\r\n" before the next one.
    const raw = body.subarray(afterDelimiter + 2, next - 2);
    const headerEnd = raw.indexOf('\r\n\r\n');
    if (headerEnd === -1) throw new Error('multipart part without headers');
    const headers = raw.subarray(0, headerEnd).toString('utf8');
    const disposition = /content-disposition:\s*([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = /(?:^|;)\s*name=(?:"([^"]*)"|([^;]*))/i.exec(disposition);
    const fileName = /;\s*filename=(?:"([^"]*)"|([^;]*))/i.exec(disposition);
    parts.push({
      name: name?.[1] ?? name?.[2]?.trim() ?? '',
      fileName: fileName ? (fileName[1] ?? fileName[2]?.trim() ?? '') : undefined,
      contentType: /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1]?.trim() ?? 'application/octet-stream',
      data: raw.subarray(headerEnd + 4),
    });
    start = next;
  }
  return parts;
}
