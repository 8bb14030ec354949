import { describe, expect, it } from 'vitest';
import { MemoryBridge } from '../memory-bridge.js';
import type { OutgoingMessage } from '../outbox.js';
import type { Card } from './cards.js';

/** A MemoryBridge that counts the cards it renders (the card shown, then its outcome). */
class CountingBridge extends MemoryBridge {
  rendered = 0;
  protected override renderCard(card: Card): OutgoingMessage {
    this.rendered++;
    return super.renderCard(card);
  }
}

describe('a tap frees the waiting agent before the outcome card is drawn', () => {
  it('the decision arrives before the outcome card is rendered; the card then shows the outcome', async () => {
    const bridge = new CountingBridge();
    await bridge.start();
    const thread = await bridge.createThread('Repo');
    const decision = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'npm test' } });
    await bridge.settle();
    expect(bridge.rendered).toBe(1);
    let renderedWhenDecided = -1;
    const heard = decision.then((d) => {
      renderedWhenDecided = bridge.rendered;
      return d;
    });
    await bridge.userTaps(thread, 'Allow');
    expect(await heard).toMatchObject({ behavior: 'allow', scope: 'once' });
    expect(renderedWhenDecided).toBe(1);
    expect(bridge.rendered).toBe(2);
    const card = bridge.messages(thread).at(-1);
    expect(card?.text).toMatch(/Allowed/);
    expect(card?.buttons).toEqual([]);
    await bridge.stop();
  });
});
