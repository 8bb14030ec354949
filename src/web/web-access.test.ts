import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/types.js';
import { WebBridge } from './bridge.js';
import { UNAUTHORIZED_BODY } from './http-routes.js';
import { openSession, WebPageClient } from './page-client.js';

const TOKEN = 'test-token-0123456789-abcdefghij';
const bridges: WebBridge[] = [];
const pages: WebPageClient[] = [];

async function startBridge(extra: { accessToken?: string; logger?: Logger } = {}): Promise<WebBridge> {
  const bridge = new WebBridge({ dataDir: ':memory:', accessToken: TOKEN, ...extra });
  bridges.push(bridge);
  await bridge.start();
  return bridge;
}

function base(bridge: WebBridge): string {
  return `http://127.0.0.1:${bridge.port}`;
}

/** Try a socket upgrade; resolves with the HTTP status of a refusal, or 101 when it opened. */
function upgradeStatus(
  bridge: WebBridge,
  headers: Record<string, string>,
  origin?: string,
  protocols: string[] = [],
): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/ws`, protocols, {
      headers,
      ...(origin ? { origin } : {}),
    });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.once('error', reject);
  });
}

afterEach(async () => {
  await Promise.allSettled(pages.splice(0).map((p) => p.close()));
  await Promise.allSettled(bridges.splice(0).map((b) => b.stop()));
});

describe('WebBridge access', () => {
  it('gives a stranger without the token a short 401 and nothing else', async () => {
    const bridge = await startBridge();
    await bridge.createThread('Secret project');
    for (const path of [
      '/',
      '/app.js',
      '/app.css',
      '/api/session',
      '/ws',
      '/anything',
      '/?token=',
      '/?token=nope',
    ]) {
      const response = await fetch(base(bridge) + path, { redirect: 'manual' });
      const body = await response.text();
      expect(response.status, path).toBe(401);
      expect(body, path).toBe(UNAUTHORIZED_BODY);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(response.headers.get('set-cookie')).toBeNull();
      expect(body).not.toContain('Secret project');
    }
  });

  it('refuses a token that differs in one character, and a token sent with POST', async () => {
    const bridge = await startBridge();
    const almost = `${TOKEN.slice(0, -1)}k`;
    expect((await fetch(`${base(bridge)}/?token=${almost}`, { redirect: 'manual' })).status).toBe(401);
    const post = await fetch(`${base(bridge)}/?token=${TOKEN}`, { method: 'POST', redirect: 'manual' });
    expect(post.status).toBe(401);
    expect(post.headers.get('set-cookie')).toBeNull();
  });

  it('exchanges the token for an HttpOnly SameSite=Strict cookie and moves to / without the token', async () => {
    const bridge = await startBridge();
    expect(bridge.url).toBe(`http://127.0.0.1:${bridge.port}/?token=${TOKEN}`);
    const entry = await fetch(bridge.url, { redirect: 'manual' });
    const body = await entry.text();
    expect(entry.status).toBe(200);
    const setCookie = entry.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toContain(TOKEN);
    expect(body).toContain('http-equiv="refresh" content="0;url=/"');
    expect(body).not.toContain(TOKEN);

    const cookie = setCookie.split(';')[0] ?? '';
    const page = await fetch(`${base(bridge)}/`, { headers: { cookie } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('<script src="/app.js"');
    expect(html).not.toMatch(/<script>/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');

    const script = await fetch(`${base(bridge)}/app.js`, { headers: { cookie } });
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain('new WebSocket(');
  });

  it('refuses forged cookies and cookies of another bridge', async () => {
    const bridge = await startBridge();
    const other = await startBridge({ accessToken: 'another-token-9876543210-zyxwvut' });
    const { cookie: otherCookie } = await openSession(other.url);
    const name = `tether_session_${bridge.port}`;
    const foreign = `${name}=${otherCookie.split('=')[1]}`;
    for (const cookie of [
      `${name}=abc.def`,
      `${name}=`,
      foreign,
      `tether_session=${otherCookie.split('=')[1]}`,
    ]) {
      const response = await fetch(`${base(bridge)}/`, { headers: { cookie } });
      expect(response.status, cookie).toBe(401);
      expect(await response.text()).toBe(UNAUTHORIZED_BODY);
    }
    const { cookie } = await openSession(bridge.url);
    expect((await fetch(`${base(bridge)}/`, { headers: { cookie } })).status).toBe(200);
  });

  it('opens the socket only with the cookie, the socket key and an Origin equal to the Host', async () => {
    const bridge = await startBridge();
    const { cookie, socketKey } = await openSession(bridge.url);
    const key = ['agent-tether.v1', `key.${socketKey}`];
    const own = `http://127.0.0.1:${bridge.port}`;
    expect(await upgradeStatus(bridge, {}, own, key)).toBe(401);
    expect(await upgradeStatus(bridge, { cookie: `tether_session_${bridge.port}=x.y` }, own, key)).toBe(401);
    expect(await upgradeStatus(bridge, { cookie }, 'http://evil.example', key)).toBe(403);
    expect(await upgradeStatus(bridge, { cookie }, `http://localhost:${bridge.port}`, key)).toBe(403);
    expect(await upgradeStatus(bridge, { cookie }, undefined, key)).toBe(403);
    // The cookie alone (which other ports of this host also receive) is not enough.
    expect(await upgradeStatus(bridge, { cookie }, own)).toBe(401);
    expect(await upgradeStatus(bridge, { cookie }, own, ['agent-tether.v1', `key.${socketKey}x`])).toBe(401);
    expect(await upgradeStatus(bridge, { cookie }, own, key)).toBe(101);
    expect(bridge.auditLog().some((e) => e.action === 'auth.refused' && e.userId === 'web:127.0.0.1')).toBe(
      true,
    );
  });

  it('never logs the token', async () => {
    const lines: string[] = [];
    const record = (obj: object | string, msg?: string) => lines.push(JSON.stringify([obj, msg]));
    const bridge = await startBridge({
      logger: { debug: record, info: record, warn: record, error: record },
    });
    pages.push(await WebPageClient.open(bridge.url));
    await fetch(`${base(bridge)}/?token=${TOKEN}x`);
    await bridge.stop();
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('says how to fix a short token and a port in use', async () => {
    expect(() => new WebBridge({ accessToken: 'short', dataDir: ':memory:' })).toThrow(ConfigError);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const bridge = new WebBridge({ dataDir: ':memory:', port });
      await expect(bridge.start()).rejects.toThrow(/already in use|another port/);
    } finally {
      blocker.close();
    }
  });

  it('generates a long random token by default, different for each bridge', async () => {
    const a = new WebBridge({ dataDir: ':memory:' });
    const b = new WebBridge({ dataDir: ':memory:' });
    bridges.push(a, b);
    await Promise.all([a.start(), b.start()]);
    const tokenOf = (bridge: WebBridge) => new URL(bridge.url).searchParams.get('token') ?? '';
    expect(tokenOf(a).length).toBeGreaterThanOrEqual(32);
    expect(tokenOf(a)).not.toBe(tokenOf(b));
  });
});
