/**
 * Discord's own pairing commands beside the core's `!pair <code>`:
 * - `!setup <code>` typed in a text channel makes it the control channel (persisted in the store). A person
 *   not yet authorized needs the pairing code (and is paired by it); wrong codes are limited by the core's
 *   Authorizer like `!pair`.
 * - `!pair-status` (authorized people) shows whether pairing is on, the control channel and the paired users.
 * @module
 */
import { escapeMarkdown } from '../core/approvals/cards.js';
import { type Authorizer, describePairingFailure } from '../core/auth.js';
import type { CommandRegistry } from '../core/commands.js';
import type { AuditEntry, Store } from '../core/store/types.js';
import type { ChatUser, Logger } from '../core/types.js';

/** Store key of the control channel claimed with `!setup`. */
export const CONTROL_CHANNEL_KEY = 'discord:control-channel';

/** What the pairing commands need from the bridge. */
export interface PairingCommandDeps {
  readonly auth: Authorizer;
  readonly store: Store;
  readonly logger: Logger;
  /** The control channel now, if any. */
  readonly controlChannel: () => string | undefined;
  /** True when `channelId` was given in the configuration (then `!setup` cannot move it). */
  readonly fixedByConfig: boolean;
  /** Makes `channelId` the control channel. */
  readonly setControlChannel: (channelId: string) => void;
  /** Whether a channel is a guild text channel threads can be opened in. */
  readonly isTextChannel: (channelId: string) => Promise<boolean>;
  /** Posts Markdown in a channel. */
  readonly say: (channelId: string, markdown: string) => Promise<void>;
  readonly audit: (entry: Omit<AuditEntry, 'at' | 'platform'>) => void;
}

/** `!setup` and `!pair-status`. */
export class DiscordPairingCommands {
  readonly #d: PairingCommandDeps;

  constructor(deps: PairingCommandDeps) {
    this.#d = deps;
  }

  /** Registers `!pair-status` (answered for authorized people only, like every command). */
  register(commands: CommandRegistry): void {
    commands.register('pair-status', {
      description: 'Show paired users and whether pairing is on',
      handler: () => this.status(),
    });
  }

  /** The `!pair-status` text (Markdown). Never shows the pairing code. */
  status(): string {
    const { auth } = this.#d;
    const control = this.#d.controlChannel();
    const paired = auth.pairedUsers();
    return [
      auth.pairingEnabled
        ? '🔑 **Pairing is on**: a new person types `!pair <code>` with the code printed where the bot runs.'
        : '🔒 **Pairing is off**: only the allowed user ids may act.',
      control ? `Control channel: \`${control}\`` : 'No control channel yet: type `!setup <code>` in one.',
      paired.length === 0
        ? 'No paired users.'
        : [
            `**Paired users (${paired.length})**`,
            ...paired.map(
              (user) =>
                `• ${escapeMarkdown(user.name)} (\`${user.userId}\`) since ${new Date(user.pairedAt).toISOString().slice(0, 10)}`,
            ),
          ].join('\n'),
    ].join('\n');
  }

  /**
   * `!setup <code>` typed in `channelId`.
   * @returns once the person has been answered.
   */
  async setup(channelId: string, user: ChatUser, code: string): Promise<void> {
    const { auth } = this.#d;
    if (this.#d.fixedByConfig) {
      if (auth.isAuthorized(user.id)) {
        await this.#d.say(
          channelId,
          'The control channel is fixed by the configuration (`channelId`): change it there.',
        );
      }
      return;
    }
    if (!auth.isAuthorized(user.id)) {
      const result = auth.tryPair(user, code.trim());
      if (!result.ok) {
        const text = describePairingFailure(result);
        await this.#d.say(channelId, text);
        return;
      }
    }
    if (!(await this.#d.isTextChannel(channelId))) {
      await this.#d.say(channelId, 'Type `!setup` in a server text channel, not in a thread.');
      return;
    }
    this.#d.setControlChannel(channelId);
    this.#d.store.setValue(CONTROL_CHANNEL_KEY, channelId);
    this.#d.audit({ action: 'discord.setup', userId: user.id, userName: user.name, detail: channelId });
    this.#d.logger.info({ channelId }, 'discord control channel set with !setup');
    await this.#d.say(
      channelId,
      `✅ This is now the control channel, set up by ${escapeMarkdown(user.name)}. Agent sessions open threads here.`,
    );
  }
}
