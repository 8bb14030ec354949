/**
 * Slack's external file upload flow, as the fake serves it: `files.getUploadURLExternal` hands out an upload
 * URL on the fake, the client POSTs the bytes there, and `files.completeUploadExternal` shares the file in a
 * channel or thread as a message with `files`. (`WebClient.files.uploadV2` runs exactly these three steps.)
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StoredFile } from './workspace.js';

/** Path prefix of upload URLs. */
export const UPLOAD_PATH = '/upload/';

/** Largest upload the fake accepts (Slack's own limit is 1 GB; the fake keeps files in memory). */
const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;

interface PendingUpload {
  readonly id: string;
  readonly fileName: string;
  readonly length: number;
  data?: Buffer;
}

/** Uploads between getUploadURLExternal and completeUploadExternal. */
export class FakeSlackUploads {
  readonly #pending = new Map<string, PendingUpload>();
  #serial = 0;

  /** Start an upload; returns its file id. */
  open(fileName: string, length: number): string {
    const id = `F${String(++this.#serial).padStart(9, '0')}`;
    this.#pending.set(id, { id, fileName, length });
    return id;
  }

  /** Take an uploaded file for sharing; undefined when unknown or its bytes never arrived. */
  complete(id: string, title: string | undefined): StoredFile | undefined {
    const upload = this.#pending.get(id);
    if (!upload?.data) return undefined;
    this.#pending.delete(id);
    return { id, name: upload.fileName, title: title ?? upload.fileName, content: upload.data };
  }

  /** Serve `POST /upload/<id>`: the multipart (or raw) body with the file's bytes. */
  async handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const id = decodeURIComponent(url.pathname.slice(UPLOAD_PATH.length));
    const upload = this.#pending.get(id);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > MAX_UPLOAD_BYTES) {
        response.writeHead(413).end('too large');
        return;
      }
      chunks.push(chunk as Buffer);
    }
    if (!upload) {
      response.writeHead(404).end('unknown upload');
      return;
    }
    const body = Buffer.concat(chunks);
    const type = request.headers['content-type'] ?? '';
    let data = body;
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(body, { headers: { 'content-type': type } }).formData();
      const file = [...form.values()].find((value) => typeof value !== 'string');
      if (!file || typeof file === 'string') {
        response.writeHead(400).end('no file in the form');
        return;
      }
      data = Buffer.from(await file.arrayBuffer());
    }
    if (data.length !== upload.length) {
      response.writeHead(400).end(`expected ${upload.length} bytes, got ${data.length}`);
      return;
    }
    upload.data = data;
    response.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${data.length}`);
  }
}
