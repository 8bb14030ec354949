import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/types.js';
import { createDefaultRunnerRegistry } from '../../src/runner/default-registry.js';
import { UnknownRunnerError } from '../../src/runner/errors.js';
import { RunnerRegistry } from '../../src/runner/registry.js';
import { ScriptedRunner } from '../../src/runner/scripted.js';
import { FakeAnthropicServer } from '../../src/testing/fake-anthropic.js';
import { FakeOpenAIServer } from '../../src/testing/fake-openai.js';
import { EventRecorder } from './event-recorder.js';

function recordingLogger() {
  const warnings: string[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn: (_o, msg) => void warnings.push(String(msg)),
    error() {},
  };
  return { logger, warnings };
}

describe('RunnerRegistry', () => {
  it('registers, lists, creates, warns on overwrite and unregisters', () => {
    const { logger, warnings } = recordingLogger();
    const registry = new RunnerRegistry({ logger });
    const seen: unknown[] = [];
    registry.register('scripted', (events, config) => {
      seen.push(config);
      return new ScriptedRunner(events);
    });
    expect(registry.has('scripted')).toBe(true);
    expect(registry.list()).toEqual(['scripted']);
    expect(registry.create('scripted', new EventRecorder(), { title: 'x' }).runnerType).toBe('scripted');
    expect(seen).toEqual([{ title: 'x' }]);

    registry.register('scripted', (events) => new ScriptedRunner(events));
    expect(warnings).toEqual(['Overwriting existing runner factory: scripted']);

    registry.unregister('scripted');
    registry.unregister('never-registered');
    expect(registry.has('scripted')).toBe(false);
    expect(registry.list()).toEqual([]);
  });

  it('names the registered runners when asked for an unknown one', () => {
    const registry = createDefaultRunnerRegistry();
    expect(registry.list()).toEqual(['claude', 'codex', 'acp', 'subprocess', 'scripted']);
    const error = (() => {
      try {
        registry.create('cursor', new EventRecorder());
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnknownRunnerError);
    expect(error).toMatchObject({
      code: 'UNKNOWN_RUNNER',
      available: ['claude', 'codex', 'acp', 'subprocess', 'scripted'],
    });
    expect((error as Error).message).toContain('Available runners: claude, codex, acp, subprocess, scripted');
  });

  it('validates runner config with a helpful message', () => {
    const registry = createDefaultRunnerRegistry();
    expect(() => registry.create('subprocess', new EventRecorder(), {})).toThrow(/command.*Example/);
    expect(() => registry.create('claude', new EventRecorder(), { cwd: 42 })).toThrow(/cwd/);
    expect(registry.create('claude', new EventRecorder(), { cwd: '/tmp' }).runnerType).toBe('claude');
    expect(() => registry.create('codex', new EventRecorder(), { sandbox: 'yolo' })).toThrow(
      /codex runner config is invalid at "sandbox"/,
    );
    expect(registry.create('codex', new EventRecorder(), { cwd: '/tmp' }).runnerType).toBe('codex');
    expect(() => registry.create('acp', new EventRecorder(), {})).toThrow(
      /acp runner config is invalid at "command".*Example: \{ command: "gemini --acp" \}/,
    );
    expect(registry.create('acp', new EventRecorder(), { command: 'gemini --acp' }).runnerType).toBe('acp');
    const withAgent = createDefaultRunnerRegistry({ defaults: { acp: { command: 'gemini --acp' } } });
    expect(withAgent.create('acp', new EventRecorder(), { cwd: '/tmp' }).runnerType).toBe('acp');
  });

  it('plays the demo script by default for "scripted"', async () => {
    const events = new EventRecorder();
    const runner = createDefaultRunnerRegistry().create('scripted', events, { paceMs: 0 });
    await runner.start('d', '', 0);
    await events.waitFor('onPermissionRequest');
    expect(events.transcript()).toContain('src/cart.ts');
    await runner.stop('d');
  });
});

describe('FakeAnthropicServer', () => {
  it('answers JSON without stream, 404 elsewhere, and never records API keys', async () => {
    await using fake = await FakeAnthropicServer.start({ reply: (text) => `You wrote ${text.length} chars` });
    const ok = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'secret-key', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'm',
      stop_reason: 'end_turn',
      content: [{ type: 'text', text: 'You wrote 5 chars' }],
    });
    const missing = await fetch(`${fake.url}/api/hello`, { method: 'HEAD' });
    expect(missing.status).toBe(404);
    expect(fake.requests.map((r) => [r.method, r.url, r.authenticated])).toEqual([
      ['POST', '/v1/messages', true],
      ['HEAD', '/api/hello', false],
    ]);
    expect(JSON.stringify(fake.requests)).not.toContain('secret-key');
  });
});

describe('FakeOpenAIServer', () => {
  /** The SSE events of a response, parsed. */
  async function events(response: Response): Promise<Record<string, unknown>[]> {
    const text = await response.text();
    return text
      .split('\n\n')
      .filter((block) => block.includes('data: '))
      .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as Record<string, unknown>);
  }
  const post = (url: string, body: object) =>
    fetch(`${url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer secret-key', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('streams a scripted call once, then the final text with usage; records inputs but no keys', async () => {
    await using fake = await FakeOpenAIServer.start({
      toolCall: { arguments: { cmd: 'ls' } },
      finalText: 'Listed.',
      usage: { input_tokens: 3, output_tokens: 2 },
    });
    const tools = [{ type: 'function', name: 'exec_command' }];
    const user = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'list files' }] };
    const first = await events(await post(fake.url, { model: 'm', stream: true, tools, input: [user] }));
    expect(first.map((e) => e.type)).toEqual([
      'response.created',
      'response.output_item.added',
      'response.output_item.done',
      'response.completed',
    ]);
    const call = first[2]?.item as { type: string; name: string; arguments: string; call_id: string };
    expect(call).toMatchObject({ type: 'function_call', name: 'exec_command', arguments: '{"cmd":"ls"}' });

    const input = [user, call, { type: 'function_call_output', call_id: call.call_id, output: 'a.txt' }];
    const second = await events(await post(fake.url, { model: 'm', stream: true, tools, input }));
    const deltas = second.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta);
    expect(deltas.join('')).toBe('Listed.');
    expect((second.at(-1)?.response as { usage?: object } | undefined)?.usage).toMatchObject({
      input_tokens: 3,
      output_tokens: 2,
    });
    expect(fake.toolOutputs()).toEqual([{ call_id: call.call_id, output: 'a.txt' }]);
    expect(fake.userTexts()).toEqual(['list files']);
    expect(fake.requests.every((r) => r.authenticated)).toBe(true);
    expect(JSON.stringify(fake.requests)).not.toContain('secret-key');
    expect((await fetch(`${fake.url}/v1/chat/completions`, { method: 'POST' })).status).toBe(404);
  });
});
