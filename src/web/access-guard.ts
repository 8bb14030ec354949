/**
 * Who may reach the web page: holders of the access token. The token is exchanged once for a session
 * cookie (HttpOnly, SameSite=Strict) whose value is a random session id signed with the token, so sessions
 * survive a restart with the same token and die when the token changes, and for a socket key the page keeps in
 * its origin's storage (the socket needs both: a cookie alone also reaches other ports of the same host).
 * Every comparison is constant-time.
 * @module
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** How long a session cookie lasts. @defaultValue 30 days */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/** Minimum length of a configured access token (characters). */
export const MIN_ACCESS_TOKEN_LENGTH = 16;

/** A fresh access token: 32 random bytes, base64url (43 characters). */
export function generateAccessToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time equality of two strings of any lengths (compares their SHA-256 digests). */
export function constantTimeEquals(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

/** Parse a `Cookie` header into name → value (first occurrence wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

/** Checks tokens and session cookies for one web bridge. The token lives in a private field and is never logged. */
export class AccessGuard {
  readonly #token: string;
  #cookieName = 'tether_session';

  /** @param token - the access token; having it is the authorization. */
  constructor(token: string) {
    this.#token = token;
  }

  /** The access token, for building the URL a person opens. */
  get token(): string {
    return this.#token;
  }

  /**
   * Name the cookie after the port: browsers share cookies between ports of one host, so two bridges on one
   * machine must not overwrite each other's session.
   */
  bindPort(port: number): void {
    this.#cookieName = `tether_session_${port}`;
  }

  /** Whether `candidate` is the access token (constant time). */
  checkToken(candidate: string | null | undefined): boolean {
    if (typeof candidate !== 'string' || candidate.length === 0) return false;
    return constantTimeEquals(candidate, this.#token);
  }

  /** A new session: its id and the `Set-Cookie` header value that carries it. */
  issueSession(): { sessionId: string; setCookie: string } {
    const sessionId = randomBytes(16).toString('base64url');
    const value = `${sessionId}.${this.#sign(sessionId)}`;
    const setCookie = `${this.#cookieName}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MAX_AGE_SECONDS}`;
    return { sessionId, setCookie };
  }

  /** The session id of a request with a valid session cookie, else undefined. */
  sessionOf(request: IncomingMessage): string | undefined {
    const value = parseCookies(request.headers.cookie).get(this.#cookieName);
    if (!value) return undefined;
    const dot = value.indexOf('.');
    if (dot <= 0) return undefined;
    const sessionId = value.slice(0, dot);
    const signature = value.slice(dot + 1);
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(sessionId)) return undefined;
    return constantTimeEquals(signature, this.#sign(sessionId)) ? sessionId : undefined;
  }

  /**
   * The socket key of a session: given to the page once, with the token exchange, and kept by the page in its
   * origin's own storage. Cookies go to every port of a host (any local server the person opens in the same
   * browser receives them), so the socket is opened only with this key as well, which such a server never sees.
   */
  socketKeyFor(sessionId: string): string {
    return createHmac('sha256', this.#token).update(`web-socket-key:${sessionId}`).digest('base64url');
  }

  /** Whether `key` is the socket key of `sessionId` (constant time). */
  checkSocketKey(sessionId: string, key: string | undefined): boolean {
    if (typeof key !== 'string' || key.length === 0) return false;
    return constantTimeEquals(key, this.socketKeyFor(sessionId));
  }

  #sign(sessionId: string): string {
    return createHmac('sha256', this.#token).update(`web-session:${sessionId}`).digest('base64url');
  }
}
