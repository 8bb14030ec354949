/**
 * {@link RedisSessionBus}: `serve`'s {@link SessionBus} on Redis Streams, for several hosts sharing one bot.
 * - `events` (sources → hub) is one consumer group shared by every host: only the host holding the platform
 *   connections consumes it, and when a host takes over it also takes the entries its dead predecessor was given
 *   but never acknowledged.
 * - `commands` (hub → sources) gets one group per host (`<group>@<host>`), so every host sees every command and
 *   applies those addressed to its own sessions; a host's group starts at the commands published after it joined.
 *   `starts` (host ↔ host) works the same way.
 * @module
 */
import type { BusHandler, SessionBus, SessionTopic, SessionTopics } from '../serve/bus.js';
import { RedisStreamBus } from './bus.js';

/** Options of {@link RedisSessionBus.connect}. */
export interface RedisSessionBusOptions {
  readonly url: string;
  /** This host's name (`serve --host-name`), unique among the hosts sharing the bot. */
  readonly host: string;
  /** @defaultValue `'agent-tether:'` */
  readonly keyPrefix?: string;
}

type Topics = { [T in SessionTopic]: SessionTopics[T] };

/** The session bus on Redis Streams. */
export class RedisSessionBus implements SessionBus {
  readonly host: string;
  readonly #streams: RedisStreamBus<Topics>;

  private constructor(streams: RedisStreamBus<Topics>, host: string) {
    this.#streams = streams;
    this.host = host;
  }

  /** Connect (ioredis is loaded now). */
  static async connect(options: RedisSessionBusOptions): Promise<RedisSessionBus> {
    const streams = await RedisStreamBus.connect<Topics>({
      url: options.url,
      consumer: options.host,
      ...(options.keyPrefix !== undefined ? { keyPrefix: options.keyPrefix } : {}),
    });
    return new RedisSessionBus(streams, options.host);
  }

  /** Publish; a session opened here is marked with this host's name (what `/sessions` shows). */
  publish<T extends SessionTopic>(topic: T, payload: SessionTopics[T]): Promise<string> {
    const events = payload as SessionTopics['events'];
    if (topic === 'events' && events.event?.type === 'open' && events.event.host === undefined) {
      const marked: SessionTopics['events'] = { ...events, event: { ...events.event, host: this.host } };
      return this.#streams.publish('events', marked);
    }
    return this.#streams.publish(topic, payload as Topics[T]);
  }

  consume<T extends SessionTopic>(topic: T, group: string, handler: BusHandler<T>): () => void {
    return this.#streams.consume(
      topic,
      this.#group(topic, group),
      (message) => handler({ id: message.id, payload: message.payload as SessionTopics[T] }),
      topic === 'events' ? { claimIdleMs: 0 } : { startAt: 'new' },
    );
  }

  ack(topic: SessionTopic, group: string, id: string): Promise<void> {
    return this.#streams.ack(topic, this.#group(topic, group), id);
  }

  close(): Promise<void> {
    return this.#streams.close();
  }

  #group(topic: SessionTopic, group: string): string {
    return topic === 'events' ? group : `${group}@${this.host}`;
  }
}
