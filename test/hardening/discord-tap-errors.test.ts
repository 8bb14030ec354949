/**
 * Hardening (issue 10, item 15): Discord must always answer an interaction. When handling a click throws (here
 * the store fails while recording the decision), the person is told something went wrong, never Discord's
 * "This interaction failed".
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/core/store/memory.js';
import {
  click,
  type DiscordWorld,
  openWorld,
  owner,
  visibleBotMessages,
} from '../discord/discord-harness.js';

/** A store whose disk fails when a decision is written. */
class FailingDecisionStore extends MemoryStore {
  override resolvePending(): boolean {
    throw new Error('disk I/O error');
  }
}

describe('Discord answers every click', () => {
  let world: DiscordWorld;
  beforeEach(async () => {
    world = await openWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it('a click whose handling throws gets an answer saying so, not "This interaction failed"', async () => {
    const { fake } = world;
    const bridge = world.bridge({ store: new FailingDecisionStore() });
    await bridge.start();
    const thread = await bridge.createThread('Repo');
    void bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'npm test' } }).catch(() => {});
    await fake.waitFor(() => visibleBotMessages(fake, thread).find((m) => m.components.length > 0), {
      what: 'the card',
    });
    const outcome = await click(fake, thread, 'Allow', owner);
    expect(outcome.kind).not.toBe('failed');
    expect(outcome).toMatchObject({ kind: 'reply', message: { ephemeral: true } });
    expect(outcome.kind === 'reply' && outcome.message.content).toMatch(/Something went wrong/);
  });
});
