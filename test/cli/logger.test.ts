import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createCliLogger, resolveLogLevel } from '../../src/cli/logger.js';
import { maskSecrets } from '../../src/cli/secret-mask.js';

const TELEGRAM = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0';
const SLACK_BOT = 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp';
const SLACK_APP = 'xapp-1-A0123456-1234567890-abcdef0123456789';
const DISCORD = `${'M'.repeat(24)}.GhIjKl.${'x'.repeat(38)}`;
const SECRETS = [TELEGRAM.split(':')[1] ?? '', SLACK_BOT.slice(5), SLACK_APP.slice(5), DISCORD];

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { lines, destination };
}

describe('CLI logger', () => {
  it('masks tokens in fields, nested objects, errors and messages', () => {
    const { lines, destination } = capture();
    const logger = createCliLogger({ verbose: true, destination });
    logger.info({ token: TELEGRAM, config: { botToken: SLACK_BOT } }, 'starting');
    logger.debug(
      { url: `https://api.telegram.org/bot${TELEGRAM}/getMe`, nested: { deep: [DISCORD] } },
      'request',
    );
    logger.error(new Error(`Network request for bot${TELEGRAM} failed, app ${SLACK_APP}`));
    logger.warn(`connecting with ${SLACK_BOT}`);
    const output = lines.join('');
    expect(lines).toHaveLength(4);
    for (const secret of SECRETS) expect(output).not.toContain(secret);
    expect(output).toContain('123456789:[redacted]');
    expect(output).toContain('xoxb-[redacted]');
  });

  it('levels: --verbose is debug, LOG_LEVEL otherwise, warn by default; a bad LOG_LEVEL is refused', () => {
    expect(resolveLogLevel(true, 'error')).toBe('debug');
    expect(resolveLogLevel(false, 'INFO')).toBe('info');
    expect(resolveLogLevel(false, undefined)).toBe('warn');
    expect(() => resolveLogLevel(false, 'loud')).toThrow(/LOG_LEVEL "loud" is not a log level/);
    const { lines, destination } = capture();
    createCliLogger({ destination }).info('quiet');
    expect(lines).toHaveLength(0);
  });

  it('maskSecrets leaves ordinary text alone', () => {
    expect(maskSecrets('group -1001234567890, port 8787, 12:30')).toBe(
      'group -1001234567890, port 8787, 12:30',
    );
  });
});
