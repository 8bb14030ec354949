/**
 * The REST route table shape shared by the fake's route files, and the context route handlers get.
 * @module
 */

import type { DispatchContext } from './dispatches.js';
import type { DiscordErrorReply } from './validation.js';

/** A REST request after routing and body parsing. */
export interface RestRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** Files of a multipart body (`files[n]` parts), in order. */
  files: readonly { filename: string; content: Buffer }[];
}

/** What a handler answers: a status and a JSON body (none for 204). */
export interface RestReply {
  status: number;
  body?: unknown;
}

/** One REST route of the fake. */
export interface RestRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path template below `/api/v10`, e.g. `/channels/:channelId/messages`. */
  path: string;
  /** Whether `Authorization: Bot <token>` is required (interaction and webhook routes take none). */
  auth: boolean;
  /** The rate-limit major parameter. */
  major: (params: Record<string, string>) => string;
  handle: (request: RestRequest) => RestReply | Promise<RestReply>;
}

/** What route handlers can reach. */
export interface FakeRuntime extends DispatchContext {
  readonly applicationId: string;
  /** Multiplies Discord durations. */
  readonly timeScale: number;
  /** The gateway URL handed out by `GET /gateway/bot`. */
  gatewayUrl(): string;
  /** How many IDENTIFYs were accepted (for `session_start_limit.remaining`). */
  identifyCount(): number;
}

/** Turns an error reply into a route reply. */
export function fail(error: DiscordErrorReply): RestReply {
  return { status: error.status, body: error.body };
}
