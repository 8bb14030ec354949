/**
 * A Slack workspace for tests: the FakeSlackServer, one channel, and SlackBridges wired to it with the real
 * SDK clients. Offers the person's side (posts, clicks, slash commands) waiting until the bridge has handled
 * them, and what a person sees.
 */

import type { FakeSlackMessageView } from '../../src/slack/fake/index.js';
import { FakeSlackServer, type FakeSlackServerOptions } from '../../src/slack/fake/index.js';
import { SlackBridge, type SlackBridgeConfig } from '../../src/slack/index.js';

/** Options of {@link SlackFixture.bridge}: anything of the config but the tokens and the channel. */
export type FixtureBridgeOptions = Partial<SlackBridgeConfig>;

/** One fake workspace and the bridges started on it. */
export class SlackFixture {
  readonly fake: FakeSlackServer;
  channel = '';
  readonly #bridges: SlackBridge[] = [];

  constructor(options: FakeSlackServerOptions = {}) {
    this.fake = new FakeSlackServer({ rateLimits: false, ...options });
  }

  /** Start the fake and create the channel. */
  async start(): Promise<this> {
    await this.fake.start();
    this.channel = this.fake.createChannel({ name: 'agents' });
    return this;
  }

  /** A bridge on this workspace (not started). */
  bridge(options: FixtureBridgeOptions = {}): SlackBridge {
    const bridge = new SlackBridge({
      botToken: this.fake.botToken,
      appToken: this.fake.appToken,
      channelId: this.channel,
      slackApiUrl: this.fake.apiUrl,
      clientPingTimeoutMs: 1000,
      dataDir: ':memory:',
      sendRateLimits: false,
      ...options,
    });
    this.#bridges.push(bridge);
    return bridge;
  }

  /** A started bridge. */
  async started(options: FixtureBridgeOptions = {}): Promise<SlackBridge> {
    const bridge = this.bridge(options);
    await bridge.start();
    return bridge;
  }

  /** Stop every bridge (their sockets first), then the fake. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.#bridges.map((b) => b.stop()));
    await this.fake.stop();
  }

  /** Wait until the envelope is acknowledged and the bridge has handled it. */
  async handled(bridge: SlackBridge, envelopeId: string | undefined): Promise<void> {
    await this.fake.acknowledged(envelopeId);
    await bridge.settle();
  }

  /** A person writes in a thread (or top level when `threadTs` is undefined), handled by `bridge`. */
  async says(bridge: SlackBridge, user: string, text: string, threadTs?: string): Promise<void> {
    this.fake.userPosts({ channel: this.channel, user, text, ...(threadTs ? { threadTs } : {}) });
    await this.handled(bridge, undefined);
  }

  /** The newest bot message of a thread that has a button with this label. */
  cardWith(threadTs: string, label: string): FakeSlackMessageView {
    const card = this.botMessages(threadTs)
      .reverse()
      .find((m) => m.buttons.some((b) => b.text === label));
    if (!card) throw new Error(`no "${label}" button in thread ${threadTs}`);
    return card;
  }

  /** A person clicks the newest button with this label; returns the ephemeral answer shown to them, if any. */
  async clicks(
    bridge: SlackBridge,
    user: string,
    threadTs: string,
    label: string,
  ): Promise<string | undefined> {
    const before = this.fake.ephemeralMessages(this.channel, user).length;
    const card = this.cardWith(threadTs, label);
    const envelope = this.fake.userClicks({
      channel: this.channel,
      message: card.ts,
      user,
      buttonText: label,
    });
    await this.handled(bridge, envelope);
    return this.fake.ephemeralMessages(this.channel, user).slice(before).at(-1)?.text;
  }

  /** The bot's visible messages of a thread (the parent first). */
  botMessages(threadTs: string): FakeSlackMessageView[] {
    return this.fake.threadMessages(this.channel, threadTs).filter((m) => m.botPosted && !m.deleted);
  }

  /** Texts of the bot's visible messages of a thread. */
  texts(threadTs: string): string[] {
    return this.botMessages(threadTs).map((m) => m.text);
  }

  /** Texts of the bot's top-level messages (thread parents and general replies). */
  channelTexts(): string[] {
    return this.fake
      .channelMessages(this.channel)
      .filter((m) => m.botPosted)
      .map((m) => m.text);
  }
}
