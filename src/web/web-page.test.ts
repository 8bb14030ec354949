import { afterEach, describe, expect, it } from 'vitest';
import type { ChatUser, Handlers } from '../core/types.js';
import { WebBridge, type WebBridgeConfig } from './bridge.js';
import { WebPageClient } from './page-client.js';

const bridges: WebBridge[] = [];
const pages: WebPageClient[] = [];

async function setup(config: WebBridgeConfig = {}): Promise<{ bridge: WebBridge; page: WebPageClient }> {
  const bridge = new WebBridge({ dataDir: ':memory:', ...config });
  bridges.push(bridge);
  await bridge.start();
  return { bridge, page: await openPage(bridge) };
}

async function openPage(bridge: WebBridge): Promise<WebPageClient> {
  const page = await WebPageClient.open(bridge.url);
  pages.push(page);
  return page;
}

afterEach(async () => {
  await Promise.allSettled(pages.splice(0).map((p) => p.close()));
  await Promise.allSettled(bridges.splice(0).map((b) => b.stop()));
});

describe('WebBridge page', () => {
  it('shows a new thread and the agent output, formatted', async () => {
    const { bridge, page } = await setup();
    const thread = await bridge.createThread('my-repo', { directory: '/src/my-repo' });
    await bridge.sendOutput(thread, 'Tests **pass** now');
    await page.waitFor(() => page.messages(thread).length > 0);
    expect(page.threads()).toEqual([
      { id: thread, name: 'my-repo', state: null, directory: '/src/my-repo', typing: false },
    ]);
    const [message] = page.messages(thread);
    expect(message?.html).toBe('<p>Tests <strong>pass</strong> now</p>');
    expect(message?.fromUser).toBe(false);
  });

  it('lets the person tap Allow: requestApproval resolves allow and every tab sees the decided card', async () => {
    const { bridge, page } = await setup();
    const otherTab = await openPage(bridge);
    const thread = await bridge.createThread('deploy');
    const decision = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'npm test' } });
    await page.waitFor(() =>
      page.messages(thread).some((m) => m.buttons.flat().some((b) => b.label === 'Allow')),
    );
    const card = page.texts(thread).at(-1) ?? '';
    expect(card).toContain('Permission request: Bash');
    expect(card).toContain('npm test');

    const answer = await page.taps(thread, 'Allow');
    expect(answer.alert).toBe(false);
    const result = await decision;
    expect(result).toMatchObject({
      behavior: 'allow',
      scope: 'once',
      by: { type: 'user', user: { id: page.userId, name: 'you', platform: 'web' } },
    });
    for (const tab of [page, otherTab]) {
      await tab.waitFor(() => tab.texts(thread).at(-1)?.includes('Allowed'));
      expect(tab.messages(thread).at(-1)?.buttons).toEqual([]);
    }
  });

  it('answers a stale tap harmlessly and a forged payload without effect', async () => {
    const { bridge, page } = await setup();
    const thread = await bridge.createThread('stale');
    const decision = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'ls' } });
    await page.waitFor(() => page.messages(thread).some((m) => m.buttons.length > 0));
    const deny = page
      .messages(thread)
      .flatMap((m) => m.buttons.flat())
      .find((b) => b.label === 'Deny');
    await page.taps(thread, 'Allow');
    expect((await decision).behavior).toBe('allow');
    const seen = page.frames.length;
    page.send({ type: 'tap', threadId: thread, payload: deny?.payload });
    page.send({ type: 'tap', threadId: thread, payload: 'forged:allow' });
    const answers = await page.waitFor(() => {
      const found = page.frames.slice(seen).filter((f) => f.type === 'tapAnswer');
      return found.length === 2 ? found : undefined;
    });
    expect(answers.map((a) => a.type === 'tapAnswer' && a.text)).toEqual([
      expect.stringMatching(/already/i),
      'This button is no longer active.',
    ]);
    expect(bridge.auditLog().filter((e) => e.action.startsWith('approval.deny'))).toEqual([]);
  });

  it('answers a choice by tapping and takes text answers', async () => {
    const inputs: { threadId: string; text: string; user: ChatUser }[] = [];
    const handlers: Handlers = {
      onInput: (threadId, text, user) => void inputs.push({ threadId, text, user }),
    };
    const { bridge, page } = await setup({ handlers });
    const thread = await bridge.createThread('choices');
    const choice = bridge.requestChoice(thread, {
      question: 'Which database?',
      options: ['SQLite', 'Postgres'],
    });
    await page.waitFor(() => page.texts(thread).some((t) => t.includes('Which database?')));
    await page.taps(thread, '2. Postgres');
    expect(await choice).toMatchObject({ behavior: 'selected', index: 1, label: 'Postgres' });

    const approval = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'rm -rf build' } });
    await page.waitFor(() =>
      page.messages(thread).some((m) => m.buttons.flat().some((b) => b.label === 'Deny')),
    );
    await page.says(thread, 'deny: use the clean script');
    expect(await approval).toMatchObject({ behavior: 'deny', reason: 'use the clean script' });

    await page.says(thread, 'now add a login page');
    await page.waitFor(() => inputs.length === 1);
    expect(inputs[0]).toEqual({
      threadId: thread,
      text: 'now add a login page',
      user: { id: page.userId, name: 'you', platform: 'web' },
    });
    expect(
      page
        .messages(thread)
        .filter((m) => m.fromUser)
        .map((m) => m.html),
    ).toEqual(['deny: use the clean script', 'now add a login page']);
  });

  it('escapes markup in agent output, in a person’s text and in a person’s name', async () => {
    const { bridge, page } = await setup();
    const thread = await bridge.createThread('xss');
    await bridge.sendOutput(
      thread,
      '<img src=x onerror=alert(1)> <script>alert(2)</script> [x](javascript:alert(3))',
    );
    await page.says(thread, '<b onmouseover="alert(4)">hi</b>');
    await bridge.sendApprovalRequest(thread, {
      requestId: 'req-xss',
      toolName: 'Bash',
      input: { command: 'ls' },
    });
    await bridge.resolveRequest('req-xss', {
      behavior: 'allow',
      scope: 'once',
      by: { type: 'user', user: { id: 'u1', name: '<img src=x onerror=alert(5)>', platform: 'telegram' } },
    });
    await page.waitFor(() => page.texts(thread).some((t) => t.includes('Allowed')));
    const html = page
      .messages(thread)
      .map((m) => m.html)
      .join('\n');
    expect(html).not.toMatch(/<(img|script|b)\b/i);
    expect(html).not.toContain('javascript:');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;b onmouseover=&quot;alert(4)&quot;&gt;hi&lt;/b&gt;');
    expect(page.texts(thread).join('\n')).toContain('<img src=x onerror=alert(5)> via telegram');
  });

  it('gives a page opened later the history (bounded) and the thread states', async () => {
    const { bridge, page } = await setup({ historyLimit: 3 });
    const thread = await bridge.createThread('history');
    await bridge.sendStatus(thread, 'running');
    for (const n of [1, 2, 3, 4]) {
      await bridge.sendStatus(thread, 'waiting', `step ${n}`);
    }
    await page.waitFor(() => page.texts(thread).some((t) => t.includes('step 4')));
    const late = await openPage(bridge);
    expect(late.threads()[0]?.state).toBe('waiting');
    expect(late.texts(thread)).toEqual([
      '📝 Status: waiting — step 2',
      '📝 Status: waiting — step 3',
      '📝 Status: waiting — step 4',
    ]);
  });

  it('shows thread state changes, typing, general replies and removed threads to every page', async () => {
    const { bridge, page } = await setup({ handlers: { onStatusRequest: () => 'All agents nominal' } });
    const thread = await bridge.createThread('live');
    await bridge.sendStatus(thread, 'running');
    await page.waitFor(() => page.threads()[0]?.state === 'running');
    bridge.sendTyping(thread);
    await page.waitFor(() => page.threads()[0]?.typing === true);
    await bridge.sendOutput(thread, 'done thinking');
    await page.waitFor(() => page.threads()[0]?.typing === false);
    await page.says(null, '/status');
    await page.waitFor(() => page.texts(null).some((t) => t.includes('All agents nominal')));
    await bridge.removeThread(thread);
    await page.waitFor(() => page.threads().length === 0);
  });

  it('answers malformed frames with an error and keeps working', async () => {
    const { bridge, page } = await setup();
    const thread = await bridge.createThread('robust');
    const seen = page.frames.length;
    page.send('not json');
    page.send({ type: 'tap', threadId: thread });
    page.send({ type: 'say', threadId: 'web-nope', text: 'hello' });
    page.send({ type: 'say', threadId: thread, text: 'x'.repeat(20_000) });
    const errors = await page.waitFor(() => {
      const found = page.frames.slice(seen).filter((f) => f.type === 'error');
      return found.length === 4 ? found : undefined;
    });
    expect(errors.map((e) => e.type === 'error' && e.text)).toEqual([
      'Unreadable frame: send JSON text.',
      'Invalid frame.',
      'That thread no longer exists.',
      'Invalid frame.',
    ]);
    await bridge.sendOutput(thread, 'still here');
    await page.waitFor(() => page.texts(thread).includes('still here'));
  });

  it('closes the pages when the bridge stops', async () => {
    const { bridge, page } = await setup();
    expect(bridge.openPages).toBe(1);
    await bridge.stop();
    await page.waitFor(() => !page.open);
    expect(() => bridge.url).toThrow(/start\(\)/);
  });
});
