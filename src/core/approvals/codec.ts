/**
 * One codec for every button payload (Telegram callback_data, Slack action value, Discord custom_id).
 * A payload names an action and a request by an HMAC token, so forged payloads are refused, and fits the
 * smallest platform limit (Telegram: 64 bytes).
 * @module
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../errors.js';

/** What a button does. */
export type CardAction =
  | { readonly type: 'allow' }
  | { readonly type: 'deny' }
  | { readonly type: 'deny_reason' }
  | { readonly type: 'allow_tool' }
  | { readonly type: 'allow_all' }
  | { readonly type: 'allow_dir' }
  | { readonly type: 'show_all' }
  | { readonly type: 'always_allow' }
  | { readonly type: 'edit' }
  | { readonly type: 'revoke_rule' }
  | { readonly type: 'choice'; readonly index: number }
  | { readonly type: 'cancel' };

/** Button-payload limits of each platform. */
export const PAYLOAD_LIMITS = { telegram: 64, discord: 100, slack: 255 } as const;

const CODES: Record<Exclude<CardAction['type'], 'choice'>, string> = {
  allow: 'a',
  deny: 'd',
  deny_reason: 'r',
  allow_tool: 't',
  allow_all: 'A',
  allow_dir: 'D',
  show_all: 's',
  always_allow: 'w',
  edit: 'e',
  revoke_rule: 'v',
  cancel: 'x',
};
const BY_CODE = new Map(Object.entries(CODES).map(([type, code]) => [code, type]));
const PREFIX = 'at1';

/** Store key of the payload secret (several hosts sharing a store make it once, see `serve --redis`). */
export const PAYLOAD_CODEC_SECRET_KEY = 'payload-codec-secret';
const TOKEN_LENGTH = 16;

/** A decoded payload: the action and the request token it names. */
export interface DecodedPayload {
  readonly action: CardAction;
  readonly token: string;
}

/** Encodes and validates button payloads with a secret. */
export class PayloadCodec {
  readonly #secret: Buffer;

  /** @param secret - at least 16 random bytes, kept in the store so payloads survive restarts. */
  constructor(secret: string | Buffer) {
    this.#secret = Buffer.isBuffer(secret) ? secret : Buffer.from(secret, 'utf8');
    if (this.#secret.length < 16) throw new ConfigError('PayloadCodec secret must be at least 16 bytes');
  }

  /** The codec of a store: its secret is made once and kept, so buttons survive a restart. */
  static forStore(store: {
    getValue(key: string): string | undefined;
    setValue(key: string, value: string): void;
  }): PayloadCodec {
    let secret = store.getValue(PAYLOAD_CODEC_SECRET_KEY);
    if (!secret) {
      secret = randomUUID() + randomUUID();
      store.setValue(PAYLOAD_CODEC_SECRET_KEY, secret);
    }
    return new PayloadCodec(secret);
  }

  /** The token naming a request in payloads (96 bits of an HMAC of its id). */
  tokenFor(requestId: string): string {
    return createHmac('sha256', this.#secret).update(requestId).digest('base64url').slice(0, TOKEN_LENGTH);
  }

  /** Encode an action on a request, e.g. `at1:a:Xy3…`. Always under 32 bytes. */
  encode(requestId: string, action: CardAction): string {
    const code = action.type === 'choice' ? `c${action.index}` : CODES[action.type];
    return `${PREFIX}:${code}:${this.tokenFor(requestId)}`;
  }

  /** Decode a payload; undefined when it is not one of ours or is malformed. */
  decode(payload: string): DecodedPayload | undefined {
    if (payload.length > 40) return undefined;
    const match = /^at1:([a-zA-Z]|c\d{1,3}):([A-Za-z0-9_-]{16})$/.exec(payload);
    if (!match) return undefined;
    const [, code = '', token = ''] = match;
    if (code.startsWith('c') && code.length > 1) {
      return { action: { type: 'choice', index: Number(code.slice(1)) }, token };
    }
    const type = BY_CODE.get(code);
    if (!type) return undefined;
    return { action: { type } as CardAction, token };
  }

  /** Constant-time check that a token names the request. */
  matches(token: string, requestId: string): boolean {
    const expected = Buffer.from(this.tokenFor(requestId));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
