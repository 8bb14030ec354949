/**
 * The bridge contract suite: the behaviour every platform bridge must show, driven as a person would.
 * Run it with `describeBridgeContract(name, harness)` against MemoryBridge and each platform + its fake.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Bridge } from '../../src/core/bridge.js';
import type { ApprovalResponseDetails, Handlers } from '../../src/core/types.js';

/** A person on the platform under test. */
export interface ContractPerson {
  readonly id: string;
  readonly name: string;
}

/** What the suite needs from a platform. */
export interface BridgeHarness {
  /** A started bridge that authorizes `owner` only. */
  setup(options: { handlers: Handlers; allowedUserIds: string[] }): Promise<Bridge>;
  readonly owner: ContractPerson;
  readonly stranger: ContractPerson;
  /** The prefix people type before a command on this platform (`/` or `!`). */
  readonly commandPrefix: '/' | '!';
  says(threadId: string, text: string, who: ContractPerson): Promise<void>;
  /** Tap the newest button with this label; returns the short answer the person sees (if the platform shows one). */
  taps(threadId: string, label: string, who: ContractPerson): Promise<string | undefined>;
  /** What a person sees in the thread, oldest first (bot messages only). */
  visible(threadId: string): Promise<{ text: string; buttons: string[] }[]>;
  teardown(): Promise<void>;
}

/** Poll an assertion until it passes (bounded). */
export async function eventually(assertion: () => Promise<void> | void, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Register the contract tests for one bridge. */
export function describeBridgeContract(name: string, harness: BridgeHarness): void {
  describe(`bridge contract: ${name}`, () => {
    let bridge: Bridge | undefined;
    const inputs: { threadId: string; text: string; userId: string }[] = [];
    const responses: { requestId: string; approved: boolean; details: ApprovalResponseDetails }[] = [];
    const handlers: Handlers = {
      onInput: (threadId, text, user) => {
        inputs.push({ threadId, text, userId: user.id });
      },
      onApprovalResponse: (_threadId, requestId, approved, details) => {
        responses.push({ requestId, approved, details });
      },
      onStatusRequest: () => 'All agents nominal',
    };

    async function start(): Promise<Bridge> {
      inputs.length = 0;
      responses.length = 0;
      bridge = await harness.setup({ handlers, allowedUserIds: [harness.owner.id] });
      return bridge;
    }

    afterEach(async () => {
      await bridge?.stop();
      bridge = undefined;
      await harness.teardown();
    });

    it('shows output in order', async () => {
      const b = await start();
      const thread = await b.createThread('Contract output');
      await Promise.all([
        b.sendOutput(thread, 'first line'),
        b.sendOutput(thread, 'second line'),
        b.sendOutput(thread, 'third line'),
      ]);
      await eventually(async () => {
        const all = (await harness.visible(thread)).map((m) => m.text).join('\n');
        expect(all).toMatch(/first line[\s\S]*second line[\s\S]*third line/);
      });
    });

    it('gives threads unique names', async () => {
      const b = await start();
      await b.createThread('Repo');
      const second = await b.createThread('Repo');
      expect(b.getThread(second)?.name).toBe('Repo 2');
    });

    it('lets the owner allow a tool with a tap, exactly once, and updates the card', async () => {
      const b = await start();
      const thread = await b.createThread('Contract approve');
      const decision = b.requestApproval(thread, { toolName: 'Bash', input: { command: 'npm test' } });
      await eventually(async () => {
        const card = (await harness.visible(thread)).find((m) => m.buttons.includes('Allow'));
        expect(card?.text).toContain('npm test');
        expect(card?.buttons).toContain('Deny');
      });
      await harness.taps(thread, 'Allow', harness.owner);
      const result = await decision;
      expect(result.behavior).toBe('allow');
      expect(result.behavior === 'allow' && result.by.type === 'user' && result.by.user.id).toBe(
        harness.owner.id,
      );
      await eventually(async () => {
        const seen = await harness.visible(thread);
        const card = seen.find((m) => m.text.includes('npm test'));
        expect(card?.text).toMatch(/Allowed/);
        expect(card?.buttons).toEqual([]);
      });
      expect(responses.filter((r) => r.approved)).toHaveLength(1);
    });

    it('shows invisible and text-direction characters on a card, and flags it', async () => {
      const b = await start();
      const thread = await b.createThread('Contract hidden');
      // In bash this deletes the project; with the RLO/PDI controls a card shows something harmless.
      const command = 'echo ok # \u202e \u2066; rm -rf ~/project\u2069 \u200b';
      const decision = b.requestApproval(thread, { toolName: 'Bash', input: { command } });
      await eventually(async () => {
        const card = (await harness.visible(thread)).find((m) => m.buttons.includes('Deny'));
        expect(card?.text).toContain('⟨U+202E⟩');
        expect(card?.text).toContain('⟨U+2066⟩; rm -rf ~/project⟨U+2069⟩');
        expect(card?.text).toContain('⟨U+200B⟩');
        expect(card?.text).toMatch(/Look closely.* invisible or text-direction characters/);
        expect(card?.text).not.toMatch(/[\u202e\u2066\u2069\u200b]/);
        expect(card?.buttons.join(' ')).not.toMatch(/[\u202e\u2066\u2069\u200b]/);
      });
      await harness.taps(thread, 'Deny', harness.owner);
      expect((await decision).behavior).toBe('deny');
    });

    it('takes a text answer with a reason', async () => {
      const b = await start();
      const thread = await b.createThread('Contract deny');
      const decision = b.requestApproval(thread, { toolName: 'Bash', input: { command: 'rm -rf build' } });
      await eventually(async () =>
        expect((await harness.visible(thread)).some((m) => m.buttons.includes('Deny'))).toBe(true),
      );
      await harness.says(thread, 'deny: use the clean script', harness.owner);
      const result = await decision;
      expect(result).toMatchObject({ behavior: 'deny', reason: 'use the clean script' });
      await eventually(() => expect(responses.at(-1)?.details.reason).toBe('use the clean script'));
      expect(inputs).toHaveLength(0);
    });

    it('answers a choice by tap', async () => {
      const b = await start();
      const thread = await b.createThread('Contract choice');
      const decision = b.requestChoice(thread, {
        question: 'Which database?',
        options: ['SQLite', 'Postgres'],
      });
      await eventually(async () =>
        expect((await harness.visible(thread)).some((m) => m.text.includes('Which database?'))).toBe(true),
      );
      await harness.taps(thread, '2. Postgres', harness.owner);
      expect(await decision).toMatchObject({ behavior: 'selected', index: 1, label: 'Postgres' });
    });

    it('shows the picked option on the card before what the agent says once it hears it', async () => {
      const b = await start();
      const thread = await b.createThread('Contract choice order');
      // The agent answers the moment it hears the decision; what the person sees is read the moment the reply is
      // visible (sendOutput resolves then).
      const seenAtReply = b
        .requestChoice(thread, { question: 'Which approach?', options: ['Integer cents', 'Round the total'] })
        .then(async (d) => {
          await b.sendOutput(thread, `You chose: ${d.behavior === 'selected' ? d.label : 'nothing'}.`);
          return harness.visible(thread);
        });
      await eventually(async () =>
        expect((await harness.visible(thread)).some((m) => m.buttons.includes('2. Round the total'))).toBe(
          true,
        ),
      );
      await harness.taps(thread, '2. Round the total', harness.owner);
      const seen = await seenAtReply;
      const card = seen.find((m) => m.text.includes('Which approach?'));
      expect(card?.text).toMatch(/Selected/);
      expect(card?.buttons).toEqual([]);
      expect(seen.at(-1)?.text).toContain('You chose: Round the total.');
    });

    it('refuses a stranger: taps change nothing, messages are not input', async () => {
      const b = await start();
      const thread = await b.createThread('Contract auth');
      const decision = b.requestApproval(thread, { toolName: 'Bash', input: { command: 'deploy' } });
      await eventually(async () =>
        expect((await harness.visible(thread)).some((m) => m.buttons.includes('Allow'))).toBe(true),
      );
      await harness.taps(thread, 'Allow', harness.stranger);
      await harness.says(thread, 'please run it', harness.stranger);
      await eventually(() =>
        expect(
          b.auditLog().some((e) => e.action === 'auth.refused' && e.userId === harness.stranger.id),
        ).toBe(true),
      );
      expect(inputs).toHaveLength(0);
      expect(responses).toHaveLength(0);
      await harness.taps(thread, 'Deny', harness.owner);
      expect((await decision).behavior).toBe('deny');
    });

    it('forwards plain text as input and answers commands', async () => {
      const b = await start();
      const thread = await b.createThread('Contract input');
      await harness.says(thread, 'add a login page', harness.owner);
      await eventually(() =>
        expect(inputs).toEqual([{ threadId: thread, text: 'add a login page', userId: harness.owner.id }]),
      );
      await harness.says(thread, `${harness.commandPrefix}status`, harness.owner);
      await eventually(async () =>
        expect((await harness.visible(thread)).some((m) => m.text.includes('All agents nominal'))).toBe(true),
      );
    });
  });
}
