/**
 * A local fake of Discord's REST v10 and Gateway for tests, driven by the real discord.js clients.
 * @module
 */

export { FakeDiscordServer } from './server.js';
export type {
  FakeButtonView,
  FakeCall,
  FakeClickOutcome,
  FakeDiscordServerOptions,
  FakeFault,
  FakeFaultInjection,
  FakeIdentify,
  FakeMessageView,
  FakePerson,
  FakeRateLimit,
  FakeResume,
  FakeThreadView,
} from './types.js';
