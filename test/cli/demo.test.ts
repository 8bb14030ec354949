import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebPageClient } from '../../src/web/page-client.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';
import { type CliProcess, type CliSandbox, createSandbox, killCli, startCli } from './cli-process.js';

describe('agent-tether demo', () => {
  let sandbox: CliSandbox;
  let cli: CliProcess | undefined;
  beforeEach(() => {
    sandbox = createSandbox();
  });
  afterEach(async () => {
    await killCli(cli);
    sandbox.cleanup();
  });

  it('serves the page to the link holder only, plays the demo on it, and stops cleanly on Ctrl-C', async () => {
    cli = startCli(['demo', '--port', '0', '--no-open'], sandbox.env);
    const [url = ''] = await cli.waitForStdout(/http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/);

    // The link sets the session cookie; following it with the cookie shows the page.
    const first = await fetch(url, { redirect: 'manual' });
    const cookie = first.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    await first.arrayBuffer();
    expect(cookie).not.toBe('');
    const location = first.headers.get('location');
    const page = location ? await fetch(new URL(location, url), { headers: { cookie } }) : first;
    expect(page.status).toBe(200);
    if (location) expect(await page.text()).toContain('<html');

    // Without the token: refused.
    const stranger = await fetch(new URL('/', url));
    expect(stranger.status).toBe(401);
    await stranger.arrayBuffer();

    // The demo agent's thread is on the page, with its first words.
    const client = await WebPageClient.open(url, { timeoutMs: REAL_PROCESS_WAIT_MS });
    const thread = await client.waitFor(() => client.threads().find((t) => t.name.startsWith('Demo')));
    await client.waitFor(() => client.texts(thread.id).some((t) => t.includes('failing test')));
    await client.close();

    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.stderr()).not.toMatch(/error|at .*\.ts:\d+/i);
  });
});
