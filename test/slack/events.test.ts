import { describe, expect, it } from 'vitest';
import { decodeSlackText, interpretEnvelope, RecentKeys } from '../../src/slack/events.js';

const ctx = { channelId: 'C0AGENTS', botUserId: 'U0BOT' };

function message(event: Record<string, unknown>) {
  return interpretEnvelope(
    {
      envelope_id: 'env-1',
      type: 'events_api',
      body: {
        event_id: 'Ev1',
        event: { type: 'message', channel: 'C0AGENTS', user: 'U0A', text: 'hi', ts: '1.1', ...event },
      },
    },
    ctx,
  );
}

describe('interpretEnvelope', () => {
  it('reads a person’s reply in a thread and a top-level message', () => {
    expect(message({ thread_ts: '0.9' })).toEqual({
      kind: 'message',
      key: 'Ev1',
      userId: 'U0A',
      text: 'hi',
      ts: '1.1',
      threadTs: '0.9',
    });
    expect(message({})).not.toHaveProperty('threadTs');
    expect(message({ thread_ts: '1.1' })).not.toHaveProperty('threadTs');
  });

  it.each([
    [{ bot_id: 'B1' }, 'a bot message'],
    [{ user: 'U0BOT' }, 'a bot message'],
    [{ subtype: 'message_changed' }, 'subtype message_changed'],
    [{ subtype: 'channel_join' }, 'subtype channel_join'],
    [{ channel: 'C0OTHER' }, 'another channel'],
    [{ type: 'app_mention' }, 'event app_mention'],
  ])('ignores %o', (event, reason) => {
    expect(message(event)).toEqual({ kind: 'ignored', key: 'Ev1', reason });
  });

  it('keeps thread_broadcast replies (a person writing)', () => {
    expect(message({ subtype: 'thread_broadcast', thread_ts: '0.9' }).kind).toBe('message');
  });

  it('reads our buttons only', () => {
    const click = (action: Record<string, unknown>) =>
      interpretEnvelope(
        {
          envelope_id: 'env-2',
          type: 'interactive',
          body: {
            type: 'block_actions',
            user: { id: 'U0A', username: 'alice' },
            channel: { id: 'C0AGENTS' },
            container: { message_ts: '2.2', thread_ts: '0.9', channel_id: 'C0AGENTS' },
            actions: [{ type: 'button', action_id: 'at_1', value: 'at1:a:xxxxxxxxxxxxxxxx', ...action }],
          },
        },
        ctx,
      );
    expect(click({})).toEqual({
      kind: 'tap',
      key: 'env-2',
      userId: 'U0A',
      userName: 'alice',
      value: 'at1:a:xxxxxxxxxxxxxxxx',
      messageTs: '2.2',
      threadTs: '0.9',
    });
    expect(click({ action_id: 'someone_else' }).kind).toBe('ignored');
    expect(click({ type: 'static_select' }).kind).toBe('ignored');
  });

  it('reads a slash command in our channel only', () => {
    const slash = (channel: string) =>
      interpretEnvelope(
        {
          envelope_id: 'env-3',
          type: 'slash_commands',
          body: {
            command: '/agent',
            text: 'stop &amp; wait',
            user_id: 'U0A',
            user_name: 'alice',
            channel_id: channel,
          },
        },
        ctx,
      );
    expect(slash('C0AGENTS')).toMatchObject({ kind: 'slash', command: '/agent', text: 'stop & wait' });
    expect(slash('C0OTHER').kind).toBe('ignored');
  });

  it('decodes Slack’s escapes once', () => {
    expect(decodeSlackText('a &lt;b&gt; &amp;lt;')).toBe('a <b> &lt;');
  });
});

describe('RecentKeys', () => {
  it('remembers keys once and forgets the oldest past its capacity', () => {
    const keys = new RecentKeys(2);
    expect(keys.remember('a')).toBe(true);
    expect(keys.remember('a')).toBe(false);
    keys.remember('b');
    keys.remember('c');
    expect(keys.remember('b')).toBe(false);
    expect(keys.remember('a')).toBe(true);
  });
});
