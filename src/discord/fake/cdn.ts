/**
 * The fake's CDN: attachment URLs in message payloads point at the fake itself
 * (`http://127.0.0.1:PORT/attachments/<channel>/<attachment>/<filename>`), and the fake serves their bytes, as
 * Discord's CDN does for the URLs it hands out.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeDiscordModel } from './model.js';

/** Where attachment URLs point: set once the fake listens; Discord's CDN before that. */
export const cdnBase = new WeakMap<FakeDiscordModel, string>();

/** The URL of an attachment, as payloads show it. */
export function attachmentUrl(
  model: FakeDiscordModel,
  channelId: string,
  id: string,
  filename: string,
): string {
  const base = cdnBase.get(model) ?? 'https://cdn.discordapp.com';
  return `${base}/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
}

/** Serve `GET /attachments/…`; returns false for any other request. */
export function serveAttachment(
  model: FakeDiscordModel,
  request: IncomingMessage,
  response: ServerResponse,
): boolean {
  const match = /^\/attachments\/(\d+)\/(\d+)\/[^/]+$/.exec(
    new URL(request.url ?? '/', 'http://fake').pathname,
  );
  if (!match || request.method !== 'GET') return false;
  const channel = model.channels.get(match[1] ?? '');
  const file = [...(channel?.messages.values() ?? [])]
    .flatMap((m) => m.attachments)
    .find((a) => a.id === match[2]);
  if (!file) {
    response.writeHead(404).end();
    return true;
  }
  response.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': file.content.length,
  });
  response.end(file.content);
  return true;
}
