/**
 * A local fake of the OpenAI Responses API, good enough to run the real Codex CLI (`codex app-server`)
 * offline: `POST /v1/responses` answered as Server-Sent Events, decided from the request's content
 * (scripted tool calls, streamed text, token usage). It records what the agent sent.
 * Point Codex at it with a model provider whose `base_url` is `fake.url + '/v1'` and `wire_api = "responses"`.
 * @module
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { sendJson } from './kit/http-server.js';
import { FakeModelApi, type RecordedModelRequest } from './kit/model-api.js';

/** What the fake model does. */
export interface FakeOpenAIScript {
  /**
   * A function call to make when a request offers this tool and the conversation has not made this call
   * (same name and arguments) yet,
   * e.g. `{ name: 'exec_command', arguments: { cmd: 'touch x' } }` (Codex's shell tool).
   */
  readonly toolCall?: {
    /** @defaultValue 'exec_command' */
    readonly name?: string;
    readonly arguments: Record<string, unknown>;
    /** Text streamed before the call. @defaultValue none */
    readonly text?: string;
  };
  /** The answer after a tool output. @defaultValue 'Done.' */
  readonly finalText?: string;
  /** The answer to plain text. @defaultValue `Echo: <the user's text>` */
  readonly reply?: (userText: string) => string;
  /** Token counts reported on `response.completed`. @defaultValue { input_tokens: 12, output_tokens: 7 } */
  readonly usage?: { readonly input_tokens: number; readonly output_tokens: number };
}

/** One request the fake received. API keys are not recorded. */
export type RecordedOpenAIRequest = RecordedModelRequest;

/** A tool's outcome the model received (`function_call_output`). */
export interface ReceivedToolOutput {
  readonly call_id: string;
  /** The output text as Codex reported it (e.g. the command's output, or its rejection). */
  readonly output: string;
}

type Item = Record<string, unknown>;

/**
 * The fake server. Listens on 127.0.0.1 with a free port.
 * @example
 * ```ts
 * await using fake = await FakeOpenAIServer.start({ toolCall: { arguments: { cmd: 'echo hi > out.txt' } } });
 * // Codex config.toml: [model_providers.fake] base_url = "<fake.url>/v1", wire_api = "responses"
 * ```
 */
export class FakeOpenAIServer extends FakeModelApi {
  /** The script; may be replaced between turns. */
  script: FakeOpenAIScript;
  #nextId = 1;

  /** @param script - What the fake model does. */
  constructor(script: FakeOpenAIScript = {}) {
    super('FakeOpenAIServer', { error: { type: 'server_error', message: 'fake failed' } });
    this.script = script;
  }

  /**
   * Prepare a scratch directory for running the real Codex offline against this fake, and return the
   * environment to give it (e.g. `new CodexRunner(events, { env })`): `CODEX_HOME` with a `config.toml` whose
   * model provider is this fake (no retries, no analytics, no update check, plugins off — the setting that
   * stops Codex's own network calls), `HOME` and `TMPDIR` in the scratch directory (Codex runs commands as
   * login shells), the provider's key variable set, and OpenAI's own variables removed.
   * @param dir - An empty scratch directory.
   */
  codexEnvironment(dir: string): Record<string, string | undefined> {
    const home = join(dir, 'codex-home');
    const tmp = join(dir, 'tmp');
    mkdirSync(home, { recursive: true });
    mkdirSync(tmp, { recursive: true });
    writeFileSync(
      join(home, 'config.toml'),
      [
        'model = "fake-model"',
        'model_provider = "fake"',
        'check_for_update_on_startup = false',
        '[analytics]',
        'enabled = false',
        '[feedback]',
        'enabled = false',
        '[features]',
        'plugins = false',
        '[model_providers.fake]',
        'name = "agent-tether FakeOpenAIServer"',
        `base_url = "${this.url}/v1"`,
        'wire_api = "responses"',
        'env_key = "FAKE_OPENAI_API_KEY"',
        'request_max_retries = 0',
        'stream_max_retries = 0',
        '',
      ].join('\n'),
    );
    return {
      CODEX_HOME: home,
      HOME: dir,
      TMPDIR: tmp,
      FAKE_OPENAI_API_KEY: 'offline-test-key',
      OPENAI_API_KEY: undefined,
      OPENAI_BASE_URL: undefined,
      CODEX_API_KEY: undefined,
    };
  }

  /** The `/v1/responses` requests (the model calls). */
  responseRequests(): RecordedOpenAIRequest[] {
    return this.postsTo((path) => path === '/v1/responses');
  }

  /** Every `function_call_output` the model received, once per call_id, in order. */
  toolOutputs(): ReceivedToolOutput[] {
    const seen = new Map<string, ReceivedToolOutput>();
    for (const request of this.responseRequests()) {
      for (const item of inputOf(request.body)) {
        if (item.type !== 'function_call_output' || typeof item.call_id !== 'string') continue;
        if (!seen.has(item.call_id))
          seen.set(item.call_id, { call_id: item.call_id, output: textOf(item.output) });
      }
    }
    return [...seen.values()];
  }

  /** The texts people sent (user messages, without the context blocks Codex adds in angle brackets). */
  userTexts(): string[] {
    const texts = new Set<string>();
    for (const request of this.responseRequests()) {
      for (const item of inputOf(request.body)) {
        if (item.role !== 'user') continue;
        const text = textOf(item.content).trim();
        if (text !== '' && !text.startsWith('<')) texts.add(text);
      }
    }
    return [...texts];
  }

  protected override authenticated(request: IncomingMessage): boolean {
    return request.headers.authorization !== undefined;
  }

  protected override async handle(
    req: IncomingMessage,
    res: ServerResponse,
    body: Record<string, unknown> | undefined,
  ): Promise<void> {
    const url = req.url ?? '/';
    if (req.method !== 'POST' || url.split('?')[0] !== '/v1/responses') {
      sendJson(res, 404, {
        error: { type: 'invalid_request_error', message: `No route ${req.method} ${url}` },
      });
      return;
    }
    if (body === undefined) {
      sendJson(res, 400, { error: { type: 'invalid_request_error', message: 'Body is not JSON' } });
      return;
    }
    const id = `resp_fake_${this.#nextId++}`;
    const output = this.#decide(body);
    const usage = this.script.usage ?? { input_tokens: 12, output_tokens: 7 };
    streamResponse(res, id, typeof body.model === 'string' ? body.model : 'fake-model', output, usage);
  }

  /** Decide the answer from the request content, never from call order. */
  #decide(body: Record<string, unknown>): Item[] {
    const input = inputOf(body);
    const last = input.at(-1);
    if (last?.type === 'function_call_output') return [this.#message(this.script.finalText ?? 'Done.')];
    const call = this.script.toolCall;
    const name = call?.name ?? 'exec_command';
    const offered = Array.isArray(body.tools) && body.tools.some((t) => (t as Item | null)?.name === name);
    const args = JSON.stringify(call?.arguments ?? {});
    const alreadyCalled = input.some(
      (item) => item.type === 'function_call' && item.name === name && item.arguments === args,
    );
    if (call !== undefined && offered && !alreadyCalled) {
      const n = this.#nextId++;
      return [
        ...(call.text === undefined ? [] : [this.#message(call.text)]),
        { type: 'function_call', id: `fc_fake_${n}`, call_id: `call_fake_${n}`, name, arguments: args },
      ];
    }
    const userText = last?.role === 'user' ? textOf(last.content).trim() : '';
    return [this.#message(this.script.reply?.(userText) ?? `Echo: ${userText}`)];
  }

  #message(text: string): Item {
    return {
      type: 'message',
      role: 'assistant',
      id: `msg_fake_${this.#nextId++}`,
      status: 'completed',
      content: [{ type: 'output_text', text, annotations: [] }],
    };
  }
}

function inputOf(body: Record<string, unknown> | undefined): Item[] {
  return Array.isArray(body?.input) ? (body.input as unknown[]).filter(isItem) : [];
}

function isItem(value: unknown): value is Item {
  return value !== null && typeof value === 'object';
}

/** The text of a content field: a string, or the `text` of its parts joined. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(isItem)
    .map((part) => (typeof part.text === 'string' ? part.text : ''))
    .join('\n');
}

/** Write the Responses API's SSE stream: created, each item added (text streamed in deltas) and done, completed. */
function streamResponse(
  res: ServerResponse,
  id: string,
  model: string,
  output: readonly Item[],
  usage: { input_tokens: number; output_tokens: number },
): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const event = (type: string, data: object) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const response = { id, object: 'response', model, status: 'in_progress', output: [] };
  event('response.created', { response });
  output.forEach((item, output_index) => {
    if (item.type === 'message') {
      event('response.output_item.added', { output_index, item: { ...item, content: [] } });
      const text = textOf(item.content);
      const half = Math.ceil(text.length / 2);
      for (const delta of [text.slice(0, half), text.slice(half)]) {
        if (delta !== '')
          event('response.output_text.delta', { output_index, item_id: item.id, content_index: 0, delta });
      }
    } else {
      event('response.output_item.added', { output_index, item });
    }
    event('response.output_item.done', { output_index, item });
  });
  event('response.completed', {
    response: {
      ...response,
      status: 'completed',
      output,
      usage: {
        ...usage,
        total_tokens: usage.input_tokens + usage.output_tokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens_details: { reasoning_tokens: 0 },
      },
    },
  });
  res.end();
}
