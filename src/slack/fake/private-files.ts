/**
 * Files people share in the fake Slack: a message's `files` carry `url_private`, on the fake, and the fake serves
 * their bytes only with the bot token (`Authorization: Bearer xoxb-…`), as Slack does (without it Slack answers
 * with its sign-in page, here a 404).
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SlackWorkspace, StoredFile, StoredMessage } from './workspace.js';

/** Path prefix of `url_private`. */
export const PRIVATE_FILE_PATH = '/files-pri/';

/** The `files` of a message event, as Slack sends them for a person's file share. */
export function messageFiles(message: StoredMessage, baseUrl: string): Record<string, unknown>[] {
  return (message.files ?? []).map((file) => ({
    id: file.id,
    name: file.name,
    title: file.title,
    mimetype: file.mimetype ?? 'application/octet-stream',
    size: file.content.length,
    url_private: `${baseUrl}${PRIVATE_FILE_PATH}${file.id}/${encodeURIComponent(file.name)}`,
  }));
}

/** Serve `GET /files-pri/<id>/<name>` to the bot token; returns false for other requests. */
export function servePrivateFile(
  workspace: SlackWorkspace,
  botToken: string,
  request: IncomingMessage,
  response: ServerResponse,
): boolean {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (request.method !== 'GET' || !url.pathname.startsWith(PRIVATE_FILE_PATH)) return false;
  const id = url.pathname.slice(PRIVATE_FILE_PATH.length).split('/')[0];
  const file: StoredFile | undefined = workspace.findFile(id ?? '');
  if (!file || request.headers.authorization !== `Bearer ${botToken}`) {
    response.writeHead(404, { 'content-type': 'text/html' }).end('<html>Sign in to Slack</html>');
    return true;
  }
  response.writeHead(200, { 'content-type': file.mimetype ?? 'application/octet-stream' }).end(file.content);
  return true;
}
