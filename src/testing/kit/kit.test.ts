import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FakeTelegramServer } from '../../telegram/fake/index.js';
import { FakeGeminiServer } from '../fake-gemini.js';
import { VirtualClock } from '../virtual-clock.js';
import { FaultQueue } from './fault-queue.js';
import { FakeHttpServer, readBody, sendJson } from './http-server.js';
import { ScaledClock } from './scaled-clock.js';
import { Waiters } from './waiter.js';

function post(url: string, bytes: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (error) => resolve(error.message));
    req.end(Buffer.alloc(bytes, 'x'));
  });
}

describe('fake kit', () => {
  it('a fault applies to its next `times` matching requests, oldest first, and refuses a bad count', () => {
    const faults = new FaultQueue<{ method?: string; status: number }>('FakeExample.inject');
    faults.add({ method: 'send', status: 502 }, 2);
    faults.add({ status: 500 });
    const take = (method: string) =>
      faults.take((f) => f.method === undefined || f.method === method)?.status;
    expect([take('edit'), take('send'), take('send'), take('send')]).toEqual([500, 502, 502, undefined]);
    expect(() => faults.add({ status: 500 }, 0)).toThrow(
      /FakeExample.inject: times must be a positive integer/,
    );
  });

  it('a wait gives up on the injected clock, naming what it waited for and what the fake held', async () => {
    const clock = new VirtualClock();
    const waiters = new Waiters({ owner: 'FakeExample', clock, describe: () => 'topic 7: 0 message(s)' });
    const waited = waiters.waitFor(() => false, { timeoutMs: 60_000, what: 'the card' });
    await expect(clock.run(waited)).rejects.toThrow(
      /FakeExample.waitFor: gave up after 60000 ms waiting for the card[\s\S]*topic 7: 0 message/,
    );
    expect(clock.now()).toBe(60_000);
  });

  it('a wait resolves with the first truthy value once the state changes, and stop ends pending waits', async () => {
    const waiters = new Waiters({ owner: 'FakeExample' });
    let cards = 0;
    const seen = waiters.waitFor(() => cards > 0 && cards);
    cards = 2;
    waiters.notify();
    expect(await seen).toBe(2);
    const pending = waiters.waitFor(() => false);
    waiters.cancelAll();
    await expect(pending).rejects.toThrow(/FakeExample stopped while waiting/);
  });

  it('scaled time runs 1/timeScale as fast and clears its timers; a bad scale names the fake', async () => {
    let real = 1000;
    const clock = new ScaledClock(0.01, { realNow: () => real });
    real += 6;
    expect(clock.now()).toBe(1600);
    let fired = false;
    clock.after(100_000, () => {
      fired = true;
    });
    clock.clearAll();
    expect(fired).toBe(false);
    expect(() => new ScaledClock(0, { owner: 'FakeExample' })).toThrow(
      /FakeExample: timeScale must be a positive number/,
    );
  });

  it('the HTTP skeleton bounds bodies, routes WebSockets by path, and closes every socket on stop', async () => {
    const http = new FakeHttpServer({
      name: 'FakeExample',
      handle: async (req, res) => sendJson(res, 200, { size: (await readBody(req, 1024)).length }),
      websockets: [
        {
          matches: (url) => url.pathname === '/socket',
          refuse: (url) => (url.searchParams.get('ticket') === 'ok' ? undefined : { status: 401 }),
          onConnection: (socket) => socket.send('hello'),
        },
      ],
    });
    const url = await http.listen();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await post(url, 10)).toBe(200);
    expect(await post(url, 4096)).not.toBe(200);
    const refused = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/socket?ticket=forged`);
      ws.on('error', (error) => resolve(error.message));
    });
    expect(refused).toMatch(/401/);
    const ws = new WebSocket(`${url.replace('http', 'ws')}/socket?ticket=ok`);
    expect(await new Promise((resolve) => ws.once('message', (data) => resolve(String(data))))).toBe('hello');
    const closed = new Promise((resolve) => ws.once('close', resolve));
    const delayed = http.delay(60_000);
    await http.close();
    await closed;
    await delayed;
    expect(http.listening).toBe(false);
    expect(() => http.url).toThrow(/FakeExample is not listening/);
  });

  it('a stop while the fake is still starting leaves nothing listening', async () => {
    const fake = new FakeTelegramServer();
    const starting = fake.start();
    await fake.stop();
    const url = await starting.catch(() => undefined);
    if (url !== undefined) expect(String(await post(url, 0))).toMatch(/ECONNREFUSED/);
  });

  it('a model fake records no API key, however many the query holds', async () => {
    const fake = await FakeGeminiServer.start({});
    try {
      await fetch(`${fake.url}/v1beta/models/m:generateContent?key=first-secret&alt=json&key=second-secret`, {
        method: 'POST',
        body: '{}',
      }).catch(() => undefined);
      const recorded = JSON.stringify(fake.requests);
      expect(recorded).toContain('generateContent');
      expect(recorded).not.toMatch(/first-secret|second-secret/);
    } finally {
      await fake.close();
    }
  });
});
