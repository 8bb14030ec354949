/**
 * The fake kit: what every fake server (platforms and model APIs) stands on — scaled and virtual time, bounded
 * waits, a fault queue, the HTTP/WebSocket skeleton, and the {@link FakePlatform} person-side interface.
 * A new fake supplies its protocol and its world; the kit supplies the rest.
 * @module
 */
export { VirtualClock } from '../virtual-clock.js';
export {
  type FakePlatform,
  type FakePlatformPerson,
  type FakeTapTarget,
  type FakeVisibleMessage,
  tapTarget,
} from './fake-platform.js';
export { FakeServer, type FakeServerOptions } from './fake-server.js';
export { FaultQueue } from './fault-queue.js';
export {
  BodyTooLargeError,
  FakeHttpServer,
  type FakeHttpServerOptions,
  type FakeRoute,
  type FakeWebSocketRoute,
  type FormFile,
  findRoute,
  jsonObject,
  matchPath,
  parseMultipart,
  readBody,
  sendJson,
} from './http-server.js';
export { FakeModelApi, type RecordedModelRequest } from './model-api.js';
export { ScaledClock, type ScaledClockOptions } from './scaled-clock.js';
export { Waiters, type WaitersOptions, type WaitOptions } from './waiter.js';
