/**
 * A local fake of the Anthropic Messages API, good enough to run the real Claude Code agent (through the
 * Agent SDK) offline: `POST /v1/messages` answered as JSON or as Server-Sent Events, decided from the
 * request's content. Point the agent at it with `ANTHROPIC_BASE_URL=fake.url`.
 * @module
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake model does. */
export interface FakeAnthropicScript {
  /**
   * A tool call to make when a request offers this tool and the conversation has not called it yet,
   * e.g. `{ name: 'Bash', input: { command: 'touch x', description: 'Create x' } }`.
   */
  readonly toolCall?: {
    readonly name: string;
    readonly input: Record<string, unknown>;
    /** Text sent before the tool call. @defaultValue 'Let me do that.' */
    readonly text?: string;
  };
  /** The answer after a tool result. @defaultValue 'Done.' */
  readonly finalText?: string;
  /** The answer to plain text. @defaultValue `Echo: <the user's text>` */
  readonly reply?: (userText: string) => string;
}

/** One request the fake received. API keys are not recorded. */
export interface RecordedAnthropicRequest {
  readonly method: string;
  /** Path with query, e.g. `/v1/messages?beta=true`. */
  readonly url: string;
  /** Whether an `x-api-key` or `authorization` header came with it. */
  readonly authenticated: boolean;
  /** The parsed JSON body (undefined when there was none or it was not JSON). */
  readonly body: Record<string, unknown> | undefined;
}

/** A `tool_result` block the model received. */
export interface ReceivedToolResult {
  readonly tool_use_id: string;
  /** The result's text (text blocks joined). */
  readonly content: string;
  readonly is_error: boolean;
}

type Block = Record<string, unknown>;
type Message = { role?: unknown; content?: unknown };

/**
 * The fake server. Listens on 127.0.0.1 with a free port.
 * @example
 * ```ts
 * await using fake = await FakeAnthropicServer.start({ toolCall: { name: 'Bash', input: { command: 'ls' } } });
 * // env: { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'test', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' }
 * ```
 */
export class FakeAnthropicServer {
  /** Every request received, in order. */
  readonly requests: RecordedAnthropicRequest[] = [];
  /** The script; may be replaced between turns. */
  script: FakeAnthropicScript;
  readonly #server: Server;
  #url = '';
  #nextId = 1;

  /** @param script - What the fake model does. */
  constructor(script: FakeAnthropicScript = {}) {
    this.script = script;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: 'fake failed' } }));
      });
    });
  }

  /** Create and start a fake. */
  static async start(script: FakeAnthropicScript = {}): Promise<FakeAnthropicServer> {
    const fake = new FakeAnthropicServer(script);
    await fake.listen();
    return fake;
  }

  /** The base URL, e.g. `http://127.0.0.1:40123`. Empty until listening. */
  get url(): string {
    return this.#url;
  }

  /** Start listening on 127.0.0.1 with a free port. */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = this.#server.address() as AddressInfo;
    this.#url = `http://127.0.0.1:${address.port}`;
  }

  /** Stop listening and drop open connections. */
  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Closes the server (`await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** The `/v1/messages` requests (the model calls). */
  messageRequests(): RecordedAnthropicRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.url.split('?')[0] === '/v1/messages');
  }

  /** Every `tool_result` block the model received, once per tool_use_id, in order. */
  toolResults(): ReceivedToolResult[] {
    const seen = new Map<string, ReceivedToolResult>();
    for (const request of this.messageRequests()) {
      for (const message of messagesOf(request.body)) {
        for (const block of blocksOf(message)) {
          if (block.type !== 'tool_result' || typeof block.tool_use_id !== 'string') continue;
          if (seen.has(block.tool_use_id)) continue;
          seen.set(block.tool_use_id, {
            tool_use_id: block.tool_use_id,
            content: textOf(block.content),
            is_error: block.is_error === true,
          });
        }
      }
    }
    return [...seen.values()];
  }

  /** The plain texts people sent (the user turns' text, without Claude Code's system reminders). */
  userTexts(): string[] {
    const texts = new Set<string>();
    for (const request of this.messageRequests()) {
      for (const message of messagesOf(request.body)) {
        if (message.role !== 'user') continue;
        const text = userTextOf(message);
        if (text !== '') texts.add(text);
      }
    }
    return [...texts];
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = raw === '' ? undefined : JSON.parse(raw);
      if (parsed !== null && typeof parsed === 'object') body = parsed as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    const url = req.url ?? '/';
    const authenticated = req.headers['x-api-key'] !== undefined || req.headers.authorization !== undefined;
    this.requests.push({ method: req.method ?? 'GET', url, authenticated, body });
    if (req.method !== 'POST' || url.split('?')[0] !== '/v1/messages') {
      sendJson(res, 404, {
        type: 'error',
        error: { type: 'not_found_error', message: `No route ${req.method} ${url}` },
      });
      return;
    }
    if (body === undefined) {
      sendJson(res, 400, {
        type: 'error',
        error: { type: 'invalid_request_error', message: 'Body is not JSON' },
      });
      return;
    }
    const content = this.#decide(body);
    const model = typeof body.model === 'string' ? body.model : 'claude-fake';
    const message = {
      id: `msg_fake_${this.#nextId++}`,
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: 12,
        output_tokens: 7,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    };
    if (body.stream === true) streamMessage(res, message);
    else sendJson(res, 200, message);
  }

  /** Decide the answer from the request content, never from call order. */
  #decide(body: Record<string, unknown>): Block[] {
    const messages = messagesOf(body);
    const last = messages.at(-1);
    if (last !== undefined && blocksOf(last).some((b) => b.type === 'tool_result')) {
      return [{ type: 'text', text: this.script.finalText ?? 'Done.' }];
    }
    const call = this.script.toolCall;
    const offered =
      Array.isArray(body.tools) && body.tools.some((t) => (t as Block | null)?.name === call?.name);
    const alreadyCalled = messages.some(
      (m) =>
        m.role === 'assistant' && blocksOf(m).some((b) => b.type === 'tool_use' && b.name === call?.name),
    );
    if (call !== undefined && offered && !alreadyCalled) {
      return [
        { type: 'text', text: call.text ?? 'Let me do that.' },
        { type: 'tool_use', id: `toolu_fake_${this.#nextId++}`, name: call.name, input: call.input },
      ];
    }
    const userText = last === undefined ? '' : userTextOf(last);
    return [{ type: 'text', text: this.script.reply?.(userText) ?? `Echo: ${userText}` }];
  }
}

function messagesOf(body: Record<string, unknown> | undefined): Message[] {
  return Array.isArray(body?.messages) ? (body.messages as Message[]) : [];
}

function blocksOf(message: Message): Block[] {
  if (typeof message.content === 'string') return [{ type: 'text', text: message.content }];
  return Array.isArray(message.content) ? (message.content as Block[]).filter((b) => b !== null) : [];
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as Block[])
    .filter((b) => b?.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string)
    .join('\n');
}

function userTextOf(message: Message): string {
  return blocksOf(message)
    .filter((b) => b.type === 'text' && typeof b.text === 'string' && !b.text.startsWith('<system-reminder>'))
    .map((b) => (b.text as string).trim())
    .join('\n')
    .trim();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 20_000_000) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(payload));
}

/** Write `message` as the Messages API's SSE stream. */
function streamMessage(
  res: ServerResponse,
  message: { content: Block[]; usage: object; stop_reason: string },
): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const event = (type: string, data: object) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  event('message_start', {
    message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } },
  });
  message.content.forEach((block, index) => {
    if (block.type === 'tool_use') {
      event('content_block_start', { index, content_block: { ...block, input: {} } });
      const json = JSON.stringify(block.input);
      const half = Math.ceil(json.length / 2);
      for (const partial_json of [json.slice(0, half), json.slice(half)]) {
        event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } });
      }
    } else {
      event('content_block_start', { index, content_block: { type: 'text', text: '' } });
      event('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
    }
    event('content_block_stop', { index });
  });
  event('message_delta', {
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage: { output_tokens: 7 },
  });
  event('message_stop', {});
  res.end();
}
