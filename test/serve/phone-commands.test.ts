/**
 * Starting and seeing sessions from the phone: `/new <project> <prompt>` in General starts a session in a
 * directory from the config's projects map (never a typed path), only for authorized people, audited;
 * `/sessions` lists the live ones with their state and a link to their thread. The web page is a second
 * platform of the same daemon: the card shows there too and the first answer wins.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/core/store/memory.js';
import { WebBridge } from '../../src/web/index.js';
import { WebPageClient } from '../../src/web/page-client.js';
import { OWNER, STRANGER, say, tap } from '../telegram/telegram-world.js';
import { type ServeWorld, startServeWorld, waitForText } from './serve-world.js';

let world: ServeWorld | undefined;
let page: WebPageClient | undefined;
afterEach(async () => {
  await page?.close();
  page = undefined;
  await world?.cleanup();
  world = undefined;
});

function general(w: ServeWorld): string {
  return w.tg.fake
    .topicMessages(w.tg.chatId, undefined)
    .filter((m) => m.fromBot)
    .map((m) => m.text)
    .join('\n---\n');
}

async function startWorld(web?: WebBridge): Promise<ServeWorld> {
  return startServeWorld(
    {},
    {
      ...(web ? { extraBridges: [web] } : {}),
      serve: (home) => ({
        defaultRunner: 'scripted',
        projects: { shop: join(home, 'shop') },
        threadLink: (platform, threadId) =>
          platform === 'telegram' ? `https://t.me/c/2000001/${threadId}` : undefined,
      }),
    },
  );
}

describe('serve: /new and /sessions from the phone', { timeout: 60_000 }, () => {
  it('/new starts a session in its own thread; /sessions lists it with its state and a link; the web page shows the same card', async () => {
    const web = new WebBridge({ port: 0, store: new MemoryStore() });
    world = await startWorld(web);
    const w = world;
    say(w.tg, undefined, '/new shop fix the failing cart test');
    const topic = await w.tg.fake.waitFor(
      () => w.tg.fake.topics(w.tg.chatId).find((t) => t.name === 'shop: fix the failing cart test'),
      { what: 'the new topic', timeoutMs: 20_000 },
    );
    const threadId = String(topic.id);
    await waitForText(w, threadId, /npm test/, 'the demo agent asking to run npm test');
    say(w.tg, undefined, '/sessions');
    await w.tg.fake.waitFor(() => /1 live session/.test(general(w)), {
      what: 'the session list',
      timeoutMs: 20_000,
    });
    expect(general(w)).toMatch(/shop: fix the failing cart test.*waiting for approval/);
    const list = w.tg.fake
      .topicMessages(w.tg.chatId, undefined)
      .filter((m) => m.fromBot)
      .at(-1);
    expect(list?.html).toContain(`<a href="https://t.me/c/2000001/${threadId}">`);
    page = await WebPageClient.open(web.url);
    const client = page;
    const webThread = await client.waitFor(() =>
      client.threads().find((t) => t.name === 'shop: fix the failing cart test'),
    );
    await client.waitFor(() => client.texts(webThread.id).some((t) => t.includes('npm test')));
    await tap(w.tg, threadId, 'Allow');
    await waitForText(w, threadId, /cart › empty cart is 0/, 'the command output after Allow');
    await client.waitFor(() =>
      client.texts(webThread.id).some((t) => /Allowed — olivia via telegram/.test(t)),
    );
    const audit = w.store.listAudit({}).find((e) => e.action === 'session.new');
    expect(audit).toMatchObject({ platform: 'telegram', userId: String(OWNER.id) });
    expect(audit?.detail).toContain('"project":"shop"');
  });

  it('refuses unknown projects and typed paths, and people who are not allowed', async () => {
    world = await startWorld();
    const w = world;
    say(w.tg, undefined, '/new /etc rm everything');
    await w.tg.fake.waitFor(() => /Unknown project "\/etc"\. Projects: shop/.test(general(w)), {
      what: 'the refusal',
      timeoutMs: 20_000,
    });
    say(w.tg, undefined, '/new shop do it', STRANGER);
    await w.tg.fake.waitFor(() => /not authorized/.test(general(w)), {
      what: 'the stranger refused',
      timeoutMs: 20_000,
    });
    say(w.tg, undefined, '/sessions');
    await w.tg.fake.waitFor(() => /No live sessions\./.test(general(w)), {
      what: 'the empty list',
      timeoutMs: 20_000,
    });
    expect(w.tg.fake.topics(w.tg.chatId)).toHaveLength(0);
    expect(w.store.listAudit({}).some((e) => e.action === 'session.new')).toBe(false);
  });

  it('/new cannot make a runner run a command typed in the chat: only configured runners with their own config', async () => {
    world = await startWorld();
    const w = world;
    const marker = join(w.home, 'shop', 'pwned');
    say(
      w.tg,
      undefined,
      `/new shop --runner subprocess node -e "require('fs').writeFileSync('${marker}','')"`,
    );
    await w.tg.fake.waitFor(() => /Could not start the session: .*command/i.test(general(w)), {
      what: 'the refusal',
      timeoutMs: 20_000,
    });
    say(w.tg, undefined, '/new shop --runner sh -c "touch pwned"');
    await w.tg.fake.waitFor(() => /Unknown runner "sh"/.test(general(w)), {
      what: 'sh refused',
      timeoutMs: 20_000,
    });
    expect(existsSync(marker)).toBe(false);
    expect(w.serve.hub.list()).toHaveLength(0);
  });
});
