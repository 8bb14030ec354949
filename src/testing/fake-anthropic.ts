/**
 * A local fake of the Anthropic Messages API, good enough to run the real Claude Code agent (through the
 * Agent SDK) offline: `POST /v1/messages` answered as JSON or as Server-Sent Events, decided from the
 * request's content. Point the agent at it with `ANTHROPIC_BASE_URL=fake.url`.
 * @module
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './kit/http-server.js';
import { FakeModelApi, type RecordedModelRequest } from './kit/model-api.js';

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
export type RecordedAnthropicRequest = RecordedModelRequest;

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
export class FakeAnthropicServer extends FakeModelApi {
  /** The script; may be replaced between turns. */
  script: FakeAnthropicScript;
  #nextId = 1;

  /** @param script - What the fake model does. */
  constructor(script: FakeAnthropicScript = {}) {
    super('FakeAnthropicServer', { type: 'error', error: { type: 'api_error', message: 'fake failed' } });
    this.script = script;
  }

  /** The `/v1/messages` requests (the model calls). */
  messageRequests(): RecordedAnthropicRequest[] {
    return this.postsTo((path) => path === '/v1/messages');
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

  protected override authenticated(request: IncomingMessage): boolean {
    return request.headers['x-api-key'] !== undefined || request.headers.authorization !== undefined;
  }

  protected override async handle(
    req: IncomingMessage,
    res: ServerResponse,
    body: Record<string, unknown> | undefined,
  ): Promise<void> {
    const url = req.url ?? '/';
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
