import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createBridge } from '../../src/cli/bridge-factory.js';
import { configSchema } from '../../src/cli/config.js';
import { CliError } from '../../src/cli/errors.js';
import { createCliLogger } from '../../src/cli/logger.js';
import type { Bridge } from '../../src/core/bridge.js';
import type { WebBridge } from '../../src/web/bridge.js';
import { WebPageClient } from '../../src/web/page-client.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { lines, logger: createCliLogger({ destination, level: 'warn' }) };
}

async function webBridge(config: unknown, logger = capturedLogger().logger): Promise<Bridge> {
  const bridge = await createBridge('web', configSchema.parse(config), { logger });
  cleanups.push(() => bridge.stop());
  return bridge;
}

describe('config file: secrets', () => {
  it('extra names and patterns are masked on the page; allowlisted values are not', async () => {
    const bridge = (await webBridge({
      web: { host: '127.0.0.1', port: 0 },
      secrets: {
        names: ['ACME_CRED'],
        patterns: [{ label: 'Acme key', pattern: 'acme_[a-z0-9]{16}' }],
        allow: ['AKIAIOSFODNN7EXAMPLE'],
      },
    })) as WebBridge;
    await bridge.start();
    const page = await WebPageClient.open(bridge.url);
    cleanups.push(() => page.close());
    const thread = await bridge.createThread('config');
    await bridge.sendOutput(
      thread,
      'ACME_CRED=opensesame42 key acme_0123456789abcdef docs AKIAIOSFODNN7EXAMPLE',
    );
    await page.waitFor(() => page.messages(thread).length > 0);
    expect(page.texts(thread).join('\n')).toBe(
      'ACME_CRED=‹secret: secret› key ‹secret: Acme key› docs AKIAIOSFODNN7EXAMPLE',
    );
  });

  it("the README's config example is valid and masks what it names", async () => {
    const example = JSON.parse(
      readFileSync(fileURLToPath(new URL('../../examples/config-secrets.json', import.meta.url)), 'utf8'),
    ) as Record<string, unknown>;
    const bridge = (await webBridge({
      ...example,
      platform: 'web',
      web: { host: '127.0.0.1', port: 0 },
    })) as WebBridge;
    await bridge.start();
    const page = await WebPageClient.open(bridge.url);
    cleanups.push(() => page.close());
    const thread = await bridge.createThread('example');
    await bridge.sendOutput(thread, 'GPG_PASSPHRASE=tr0ub4dor sk-test-0123456789abcdefghijklmnopqrstuv');
    await page.waitFor(() => page.messages(thread).length > 0);
    expect(page.texts(thread).join('\n')).toBe(
      'GPG_PASSPHRASE=‹secret: secret› sk-test-0123456789abcdefghijklmnopqrstuv',
    );
  });

  it("the README's library example prints what it says", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'examples/secret-masking.ts'],
      {
        timeout: 60_000,
      },
    );
    expect(stdout.trim()).toBe(
      'ACME_CRED=‹secret: secret› and ‹secret: Acme key›; docs use AKIAIOSFODNN7EXAMPLE',
    );
  });

  it('"enabled": false sends output as is and warns at start', async () => {
    const { lines, logger } = capturedLogger();
    const bridge = await webBridge(
      { web: { host: '127.0.0.1', port: 0 }, secrets: { enabled: false } },
      logger,
    );
    await bridge.start();
    expect(lines.join('')).toContain('secret masking is off');
  });

  it('a bad pattern or allow pattern is refused naming the config entry and the fix', async () => {
    await expect(webBridge({ secrets: { allowPatterns: ['('] } })).rejects.toThrow(
      /secrets\.allowPatterns\[0\] is not a valid regular expression/,
    );
    await expect(webBridge({ secrets: { patterns: [{ label: 'x', pattern: '(a+)+' }] } })).rejects.toThrow(
      CliError,
    );
    await expect(webBridge({ secrets: { patterns: [{ label: 'x', pattern: '(a+)+' }] } })).rejects.toThrow(
      /secrets\.patterns\[0\] \(x\) repeats a group/,
    );
    expect(configSchema.safeParse({ secrets: { nmes: ['X'] } }).success).toBe(false);
  });
});
