import { afterEach, describe, expect, it } from 'vitest';
import { ControlEndpoint, type ControlRoutes } from './control-endpoint.js';

const SECRET = 's'.repeat(43);
const endpoints: ControlEndpoint[] = [];
afterEach(async () => {
  await Promise.all(endpoints.splice(0).map((e) => e.close()));
});

async function started(routes: Partial<ControlRoutes>): Promise<ControlEndpoint> {
  const endpoint = new ControlEndpoint({
    secret: SECRET,
    maxBodyBytes: 1000,
    routes: { hook: async () => ({}), sessions: () => [], connect: () => undefined, ...routes },
  });
  endpoints.push(endpoint);
  await endpoint.listen();
  return endpoint;
}

function post(endpoint: ControlEndpoint, body: string, secret = SECRET): Promise<Response> {
  return fetch(`${endpoint.url}/hooks/claude/PermissionRequest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body,
  });
}

describe('ControlEndpoint', () => {
  it('answers at once what hookAtOnce decides, and asks hook (with a signal) for the rest', async () => {
    const seen: string[] = [];
    const endpoint = await started({
      hookAtOnce: (_event, body) => (body.tool === 'echo' ? { decision: 'allow' } : undefined),
      hook: async (event, body, signal) => {
        seen.push(`${event}:${String(body.tool)}:${signal.aborted}`);
        return { decision: 'ask' };
      },
    });
    expect(await (await post(endpoint, '{"tool":"echo"}')).json()).toEqual({ decision: 'allow' });
    expect(await (await post(endpoint, '{"tool":"rm"}')).json()).toEqual({ decision: 'ask' });
    expect(seen).toEqual(['PermissionRequest:rm:false']);
  });

  it('refuses a wrong secret, a body that is not an object and a body too large; a throwing route is a 500', async () => {
    const endpoint = await started({
      hookAtOnce: (_event, body) => {
        if (body.boom) throw new Error('boom');
        return undefined;
      },
      hook: async () => {
        throw new Error('later boom');
      },
    });
    expect((await post(endpoint, '{}', 'x'.repeat(43))).status).toBe(401);
    expect((await post(endpoint, '{}', '')).status).toBe(401);
    expect((await post(endpoint, '[1]')).status).toBe(400);
    expect((await post(endpoint, 'not json')).status).toBe(400);
    expect((await post(endpoint, JSON.stringify({ pad: 'x'.repeat(2000) }))).status).toBe(413);
    expect((await post(endpoint, '{"boom":true}')).status).toBe(500);
    expect((await post(endpoint, '{}')).status).toBe(500);
    // Still serving.
    const health = await fetch(`${endpoint.url}/health`, { headers: { authorization: `Bearer ${SECRET}` } });
    expect(health.status).toBe(200);
  });
});
