/**
 * A local fake of the Gemini API (`generativelanguage` v1beta), good enough to run the real Gemini CLI offline,
 * e.g. in ACP mode (`gemini --acp`): `:streamGenerateContent?alt=sse` answered with scripted function calls or
 * text, and `:generateContent` with JSON that fits the request's response schema (the CLI's routing classifier).
 * It records what the agent sent. Point the CLI at it with `GOOGLE_GEMINI_BASE_URL=fake.url`.
 * @module
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { sendJson } from './kit/http-server.js';
import { FakeModelApi, type RecordedModelRequest } from './kit/model-api.js';

/** What the fake model does. */
export interface FakeGeminiScript {
  /**
   * A function call to make when a request offers this tool and the conversation has not made this call
   * (same name and arguments) yet, e.g. `{ name: 'run_shell_command', args: { command: 'ls', description: 'List' } }`.
   */
  readonly toolCall?: { readonly name: string; readonly args: Record<string, unknown> };
  /** The answer after a function response. @defaultValue 'Done.' */
  readonly finalText?: string;
  /** The answer to plain text. @defaultValue `Echo: <the user's text>` */
  readonly reply?: (userText: string) => string;
}

/** One request the fake received. API keys are not recorded. */
export type RecordedGeminiRequest = RecordedModelRequest;

/** A function response the model received. */
export interface ReceivedFunctionResponse {
  readonly name: string;
  readonly response: Record<string, unknown>;
}

type Json = Record<string, unknown>;
type Content = { role?: unknown; parts?: unknown };

const USAGE = { promptTokenCount: 12, candidatesTokenCount: 7, totalTokenCount: 19 };

/**
 * The fake server. Listens on 127.0.0.1 with a free port.
 * @example
 * ```ts
 * await using fake = await FakeGeminiServer.start({
 *   toolCall: { name: 'run_shell_command', args: { command: 'touch x', description: 'Make x' } },
 * });
 * const runner = new AcpRunner(events, { command: 'gemini', args: ['--acp'], env: fake.geminiEnvironment(scratch) });
 * ```
 */
export class FakeGeminiServer extends FakeModelApi {
  /** The script; may be replaced between turns. */
  script: FakeGeminiScript;

  /** @param script - What the fake model does. */
  constructor(script: FakeGeminiScript = {}) {
    super('FakeGeminiServer', { error: { code: 500, message: 'fake failed', status: 'INTERNAL' } });
    this.script = script;
  }

  /**
   * Prepare a scratch HOME for running the real Gemini CLI offline against this fake and return its
   * environment: `HOME` with `.gemini/settings.json` (no auto-update, no usage statistics, no telemetry, no
   * ripgrep download), `GOOGLE_GEMINI_BASE_URL` = this fake, a placeholder `GEMINI_API_KEY`,
   * `GEMINI_CLI_NO_RELAUNCH`, and proxies and Google credentials removed.
   * @param dir - An empty scratch directory.
   */
  geminiEnvironment(dir: string): Record<string, string | undefined> {
    const settings = join(dir, '.gemini');
    mkdirSync(settings, { recursive: true });
    writeFileSync(
      join(settings, 'settings.json'),
      JSON.stringify({
        general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
        privacy: { usageStatisticsEnabled: false },
        telemetry: { enabled: false },
        tools: { useRipgrep: false },
      }),
    );
    return {
      HOME: dir,
      GOOGLE_GEMINI_BASE_URL: this.url,
      GEMINI_API_KEY: 'offline-test-key',
      GEMINI_CLI_NO_RELAUNCH: 'true',
      GOOGLE_API_KEY: undefined,
      GOOGLE_APPLICATION_CREDENTIALS: undefined,
      GOOGLE_CLOUD_PROJECT: undefined,
      HTTP_PROXY: undefined,
      HTTPS_PROXY: undefined,
      http_proxy: undefined,
      https_proxy: undefined,
    };
  }

  /** The model calls (`:generateContent` and `:streamGenerateContent`). */
  modelRequests(): RecordedGeminiRequest[] {
    return this.postsTo((path) => /:(stream)?[gG]enerateContent/.test(path));
  }

  /** Every function response the model received, once per position in the conversation, in order. */
  functionResponses(): ReceivedFunctionResponse[] {
    let longest: ReceivedFunctionResponse[] = [];
    for (const request of this.modelRequests()) {
      const found: ReceivedFunctionResponse[] = [];
      for (const content of contentsOf(request.body)) {
        for (const part of partsOf(content)) {
          const fr = part.functionResponse as { name?: unknown; response?: unknown } | undefined;
          if (fr && typeof fr.name === 'string')
            found.push({ name: fr.name, response: (fr.response as Json | undefined) ?? {} });
        }
      }
      if (found.length >= longest.length) longest = found;
    }
    return longest;
  }

  /** The texts people sent (user text parts of the streamed conversation, without the CLI's context blocks). */
  userTexts(): string[] {
    const texts = new Set<string>();
    for (const request of this.modelRequests().filter((r) => r.url.includes(':streamGenerateContent'))) {
      for (const content of contentsOf(request.body)) {
        if (content.role !== 'user') continue;
        for (const part of partsOf(content)) {
          if (typeof part.text === 'string' && part.text.trim() !== '' && !part.text.trim().startsWith('<'))
            texts.add(part.text.trim());
        }
      }
    }
    return [...texts];
  }

  protected override authenticated(request: IncomingMessage, url: string): boolean {
    return (
      request.headers['x-goog-api-key'] !== undefined ||
      request.headers.authorization !== undefined ||
      /[?&]key=/.test(url)
    );
  }

  protected override async handle(
    req: IncomingMessage,
    res: ServerResponse,
    received: Record<string, unknown> | undefined,
  ): Promise<void> {
    const body = received as Json | undefined;
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '';
    const model = /^\/v1beta\/models\/([^:/]+):(streamGenerateContent|generateContent|countTokens)$/.exec(
      path,
    );
    if (req.method !== 'POST' || model === null) {
      sendJson(res, 404, {
        error: { code: 404, message: `No route ${req.method} ${path}`, status: 'NOT_FOUND' },
      });
      return;
    }
    if (body === undefined) {
      sendJson(res, 400, { error: { code: 400, message: 'Body is not JSON', status: 'INVALID_ARGUMENT' } });
      return;
    }
    if (model[2] === 'countTokens') {
      sendJson(res, 200, { totalTokens: 12 });
      return;
    }
    if (model[2] === 'generateContent') {
      sendJson(res, 200, response([{ text: JSON.stringify(valueFor(schemaOf(body))) }]));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(`data: ${JSON.stringify(response(this.#decide(body)))}\n\n`);
    res.end();
  }

  /** Decide the answer from the request content, never from call order. */
  #decide(body: Json): Json[] {
    const contents = contentsOf(body);
    const last = contents.at(-1);
    if (last !== undefined && partsOf(last).some((p) => p.functionResponse !== undefined))
      return [{ text: this.script.finalText ?? 'Done.' }];
    const call = this.script.toolCall;
    const args = JSON.stringify(call?.args ?? {});
    const offered = toolNamesOf(body).includes(call?.name ?? '');
    const alreadyCalled = contents.some((c) =>
      partsOf(c).some((p) => {
        const fc = p.functionCall as { name?: unknown; args?: unknown } | undefined;
        return fc?.name === call?.name && JSON.stringify(fc?.args ?? {}) === args;
      }),
    );
    if (call !== undefined && offered && !alreadyCalled)
      return [{ functionCall: { name: call.name, args: call.args } }];
    const userText =
      last === undefined
        ? ''
        : partsOf(last)
            .map((p) => (typeof p.text === 'string' ? p.text : ''))
            .join('')
            .trim();
    return [{ text: this.script.reply?.(userText) ?? `Echo: ${userText}` }];
  }
}

function response(parts: Json[]): Json {
  return {
    candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
    usageMetadata: USAGE,
    modelVersion: 'fake-gemini',
  };
}

function contentsOf(body: Json | undefined): Content[] {
  return Array.isArray(body?.contents) ? (body.contents as Content[]).filter((c) => c !== null) : [];
}

function partsOf(content: Content): Json[] {
  return Array.isArray(content.parts) ? (content.parts as Json[]).filter((p) => p !== null) : [];
}

function toolNamesOf(body: Json): string[] {
  const tools = Array.isArray(body.tools) ? (body.tools as Json[]) : [];
  return tools.flatMap((t) =>
    Array.isArray(t?.functionDeclarations)
      ? (t.functionDeclarations as Json[]).map((d) => String(d?.name ?? ''))
      : [],
  );
}

/** The JSON schema a `generateContent` request asks the answer to follow, if any. */
function schemaOf(body: Json): Json | undefined {
  const config = body.generationConfig as Json | undefined;
  const schema = config?.responseJsonSchema ?? config?.responseSchema;
  return schema !== null && typeof schema === 'object' ? (schema as Json) : undefined;
}

/** A small value that fits `schema` (first enum value, 1 for numbers, "user" for a next speaker). */
function valueFor(schema: Json | undefined, key = ''): unknown {
  if (schema === undefined) return {};
  if (Array.isArray(schema.enum) && schema.enum.length > 0)
    return key === 'next_speaker' && schema.enum.includes('user') ? 'user' : schema.enum[0];
  const type = String(schema.type ?? 'object').toLowerCase();
  switch (type) {
    case 'string':
      return key === 'next_speaker' ? 'user' : 'fake';
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return false;
    case 'array':
      return [];
    default: {
      const properties = (schema.properties as Record<string, Json> | undefined) ?? {};
      return Object.fromEntries(Object.entries(properties).map(([name, s]) => [name, valueFor(s, name)]));
    }
  }
}
