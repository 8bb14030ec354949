import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBridge } from '../../src/core/memory-bridge.js';
import { MemoryStore } from '../../src/core/store/memory.js';
import { ScriptedRunner } from '../../src/runner/scripted.js';
import { SubprocessRunner } from '../../src/runner/subprocess.js';
import { supervise } from '../../src/runner/supervise.js';
import { eventually } from '../contract/bridge-contract.js';

const bridges: MemoryBridge[] = [];
afterEach(async () => {
  await Promise.all(bridges.splice(0).map((b) => b.stop()));
});

function bridge(options: ConstructorParameters<typeof MemoryBridge>[0] = {}): MemoryBridge {
  const b = new MemoryBridge(options);
  bridges.push(b);
  return b;
}

function visible(b: MemoryBridge, threadId: string): string {
  return b.texts(threadId).join('\n---\n');
}

describe('supervise(): a runner under supervision', () => {
  it('scripted: header, output, approval card tapped, choice answered, input echoed, stop with final status', async () => {
    const b = bridge();
    const session = await supervise({
      bridges: b,
      prompt: 'Fix the cart total\nmore detail',
      cwd: '/home/me/shop',
      runner: (events) =>
        new ScriptedRunner(events, {
          title: 'Scripted agent',
          script: [
            { output: 'Looking at **cart.ts**' },
            {
              permission: {
                toolName: 'Bash',
                input: { command: 'npm test' },
                onAllow: 'tests ran: 12 passed',
              },
            },
            { choice: { question: 'Which approach?', options: ['Integer cents', 'Decimal library'] } },
            { metadata: { cost_usd: 0.0123 } },
            { awaitInput: 'repeat' },
          ],
        }),
    });
    const [thread] = session.threads;
    const id = thread?.threadId ?? '';
    expect(b.getThread(id)?.name).toBe('Fix the cart total');
    await eventually(() => expect(b.messages(id).some((m) => m.buttons.flat().includes('Allow'))).toBe(true));
    // The card may overtake output still being rendered (cards go first); the output follows.
    await eventually(() =>
      expect(visible(b, id)).toMatch(
        /Scripted agent[\s\S]*Directory: \/home\/me\/shop[\s\S]*Looking at cart.ts/,
      ),
    );
    await b.userTaps(id, 'Allow');
    await eventually(() => expect(visible(b, id)).toContain('tests ran: 12 passed'));
    await eventually(() =>
      expect(b.messages(id).some((m) => m.buttons.flat().includes('1. Integer cents'))).toBe(true),
    );
    await b.userSays(id, '1');
    await eventually(() =>
      expect(visible(b, id)).toMatch(/Selected: Integer cents[\s\S]*Status: awaiting input/),
    );
    await b.userSays(id, '/usage');
    await eventually(() => expect(visible(b, id)).toMatch(/cost_usd/));
    await b.userSays(id, 'please also add a test');
    await eventually(() => expect(visible(b, id)).toContain('please also add a test'));
    await b.userSays(id, '/stop');
    expect(await session.done).toBe(0);
    await eventually(() => expect(visible(b, id)).toMatch(/Status: done/));
  });

  it('subprocess: the example JSON-lines agent runs its command only after a tap, and denial reaches it', async () => {
    const script = path.resolve('examples/jsonl-agent.mjs');
    for (const answer of ['Allow', 'Deny'] as const) {
      const b = bridge({ store: new MemoryStore() });
      const session = await supervise({
        bridges: b,
        prompt: 'say hello',
        runner: (events) => new SubprocessRunner(events, { command: process.execPath, args: [script] }),
      });
      const id = session.threads[0]?.threadId ?? '';
      await eventually(() =>
        expect(b.messages(id).some((m) => m.buttons.flat().includes('Allow'))).toBe(true),
      );
      expect(visible(b, id)).toContain('echo hello');
      // One header for the session: the agent's own header line fills in the runner's.
      const headers = b.texts(id).filter((t) => t.startsWith('🤖'));
      expect(headers).toHaveLength(1);
      expect(headers[0]).toMatch(/jsonl-agent[\s\S]*Model: none[\s\S]*Approval: ask/);
      await b.userTaps(id, answer);
      if (answer === 'Allow') await eventually(() => expect(visible(b, id)).toMatch(/hello/));
      else await eventually(() => expect(visible(b, id)).toMatch(/denied/i));
      await session.stop();
      await session.done;
    }
  });

  it('an agent that says "awaiting input" twice in a row is shown it once; after a message, again', async () => {
    const agent = [
      "const send = (m) => process.stdout.write(JSON.stringify(m) + '\\n');",
      "send({ type: 'output', text: 'Done for now.' });",
      "send({ type: 'awaiting_input' });",
      "send({ type: 'awaiting_input' });",
      "process.stdin.on('data', () => send({ type: 'awaiting_input' }));",
    ].join('\n');
    const b = bridge();
    const session = await supervise({
      bridges: b,
      prompt: 'hello',
      runner: (events) => new SubprocessRunner(events, { command: process.execPath, args: ['-e', agent] }),
    });
    const id = session.threads[0]?.threadId ?? '';
    const waiting = () => b.texts(id).filter((t) => t.includes('Status: awaiting input')).length;
    await eventually(() => expect(waiting()).toBe(1));
    await b.userSays(id, 'one more thing');
    await eventually(() => expect(waiting()).toBe(2));
    await session.stop();
    await session.done;
  });

  it('two bridges: the first answer wins and the other card shows who decided', async () => {
    const a = bridge();
    const c = bridge({ allowedUserIds: ['user-1'] });
    const session = await supervise({
      bridges: [a, c],
      prompt: 'deploy',
      runner: (events) =>
        new ScriptedRunner(events, {
          script: [
            { permission: { toolName: 'Bash', input: { command: 'make deploy' } } },
            { awaitInput: 'repeat' },
          ],
        }),
    });
    const [ta, tc] = session.threads.map((t) => t.threadId);
    await eventually(() =>
      expect(c.messages(tc ?? '').some((m) => m.buttons.flat().includes('Allow'))).toBe(true),
    );
    await eventually(() =>
      expect(a.messages(ta ?? '').some((m) => m.buttons.flat().includes('Deny'))).toBe(true),
    );
    await c.userTaps(tc ?? '', 'Deny');
    await eventually(() => {
      const card = a.messages(ta ?? '').find((m) => m.text.includes('make deploy'));
      expect(card?.buttons).toEqual([]);
      expect(card?.text).toMatch(/Denied — alice via memory/);
    });
    const late = await a.userTaps(ta ?? '', { payload: 'at1:a:AAAAAAAAAAAAAAAA' });
    expect(late.text).toMatch(/no longer active/);
    await session.stop();
  });
});
