import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/types.js';
import { createDefaultRunnerRegistry } from '../../src/runner/default-registry.js';
import { UnknownRunnerError } from '../../src/runner/errors.js';
import { RunnerRegistry } from '../../src/runner/registry.js';
import { ScriptedRunner } from '../../src/runner/scripted.js';
import { FakeAnthropicServer } from '../../src/testing/fake-anthropic.js';
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
    expect(registry.list()).toEqual(['claude', 'subprocess', 'scripted']);
    const error = (() => {
      try {
        registry.create('codex', new EventRecorder());
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnknownRunnerError);
    expect(error).toMatchObject({ code: 'UNKNOWN_RUNNER', available: ['claude', 'subprocess', 'scripted'] });
    expect((error as Error).message).toContain('Available runners: claude, subprocess, scripted');
  });

  it('validates runner config with a helpful message', () => {
    const registry = createDefaultRunnerRegistry();
    expect(() => registry.create('subprocess', new EventRecorder(), {})).toThrow(/command.*Example/);
    expect(() => registry.create('claude', new EventRecorder(), { cwd: 42 })).toThrow(/cwd/);
    expect(registry.create('claude', new EventRecorder(), { cwd: '/tmp' }).runnerType).toBe('claude');
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
