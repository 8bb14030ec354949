/**
 * The bridge contract suite against WebBridge. On the web, holding the access token is the authorization:
 * the owner is whoever opened the URL (their id is `web:<session id>`, known once the page is open), and a
 * stranger is someone without the token — they cannot reach the page or the socket at all, and the refusal
 * is audited under their address.
 */
import { WebSocket } from 'ws';
import { type BridgeHarness, describeBridgeContract } from '../../test/contract/bridge-contract.js';
import { describeSecretMasking } from '../../test/contract/secret-masking-contract.js';
import { WebBridge } from './bridge.js';
import { htmlToText, WebPageClient } from './page-client.js';

let bridge: WebBridge | undefined;
let page: WebPageClient | undefined;

/** A stranger's attempt: open the socket without the session cookie. Resolves with the HTTP status. */
function strangerAttempt(target: WebBridge): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${target.port}/ws`, {
      origin: `http://127.0.0.1:${target.port}`,
    });
    ws.once('open', () => {
      ws.close();
      reject(new Error('a stranger without the token opened the socket'));
    });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', reject);
  });
}

async function act(who: { id: string }, action: (p: WebPageClient) => Promise<string | undefined>) {
  if (!bridge || !page) throw new Error('web contract: setup() first');
  if (who.id === harness.stranger.id) {
    const status = await strangerAttempt(bridge);
    if (status !== 401) throw new Error(`a stranger's socket upgrade got HTTP ${status}, expected 401`);
    return undefined;
  }
  return action(page);
}

const harness: BridgeHarness = {
  commandPrefix: '/',
  get owner() {
    return { id: page?.userId ?? 'web:not-open-yet', name: 'you' };
  },
  stranger: { id: 'web:127.0.0.1', name: 'no valid token' },
  async setup({ handlers }) {
    // allowedUserIds does not apply: the access token is the authorization on the web.
    bridge = new WebBridge({ handlers, dataDir: ':memory:' });
    await bridge.start();
    page = await WebPageClient.open(bridge.url);
    return bridge;
  },
  async says(threadId, text, who) {
    await act(who, async (p) => {
      await p.waitFor(() => p.threads().some((t) => t.id === threadId));
      await p.says(threadId, text);
      return undefined;
    });
  },
  async taps(threadId, label, who) {
    return act(who, async (p) => (await p.taps(threadId, label)).text);
  },
  async visible(threadId) {
    // What the bridge has sent so far, as the page shows it once it has arrived.
    if (page?.open) await page.caughtUp();
    return (page?.messages(threadId) ?? [])
      .filter((m) => !m.fromUser)
      .map((m) => ({ text: htmlToText(m.html), buttons: m.buttons.flat().map((b) => b.label) }));
  },
  async teardown() {
    await page?.close();
    page = undefined;
    bridge = undefined;
  },
};

describeBridgeContract('web', harness);
describeSecretMasking('web', harness);
