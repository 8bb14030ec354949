/**
 * `agent-tether/testing`: protocol-faithful local fakes of the platforms and of the model API, so you can test
 * your own supervised agents and bots offline — the real SDKs talk to them over loopback.
 * Fakes load only `ws` and Node built-ins; no platform SDK. Each platform's full set of types is exported from its
 * own folder; here the servers and their options, and the fake kit they stand on (`FakeServer`, `FakePlatform`,
 * `FakeHttpServer`, `ScaledClock`, `VirtualClock`, `Waiters`, `FaultQueue`, `FakeModelApi`) for a new fake.
 * @module
 */
export {
  MEMORY_DEFAULT_USER,
  MemoryBridge,
  type MemoryBridgeOptions,
  type MemoryMessage,
} from '../core/memory-bridge.js';
export {
  FakeDiscordServer,
  type FakeDiscordServerOptions,
  type FakeMessageView as FakeDiscordMessageView,
  type FakePerson as FakeDiscordPerson,
} from '../discord/fake/index.js';
export {
  type FakeSlackMessageView,
  FakeSlackServer,
  type FakeSlackServerOptions,
} from '../slack/fake/index.js';
export {
  type FakePerson as FakeTelegramPerson,
  FakeTelegramServer,
  type FakeTelegramServerOptions,
  parseTelegramHtml,
  type VisibleMessage as FakeTelegramVisibleMessage,
} from '../telegram/fake/index.js';
export * from './fake-anthropic.js';
export * from './fake-gemini.js';
export * from './fake-openai.js';
export * from './kit/index.js';
