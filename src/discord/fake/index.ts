/**
 * A local fake of Discord's REST v10 and Gateway for tests, driven by the real discord.js clients.
 * @module
 */

export type { FakeIdentify, FakeResume } from './server.js';
export { FakeDiscordServer } from './server.js';
export type {
  FakeButtonView,
  FakeCall,
  FakeClickOutcome,
  FakeDiscordServerOptions,
  FakeFault,
  FakeFaultInjection,
  FakeMessageView,
  FakePerson,
  FakeRateLimit,
  FakeThreadView,
} from './types.js';
