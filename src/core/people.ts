/**
 * How a person is named on cards and in replies: "Ann via telegram"; the web page's person (there is one, the
 * owner of the page's token) as "you (web page)".
 * @module
 */
import type { ChatUser } from './types.js';

/** Who decided, in a person's words: `Ann via telegram`, `you (web page)`. */
export function describePerson(user: Pick<ChatUser, 'name' | 'platform'>): string {
  return user.platform === 'web' ? `${user.name} (web page)` : `${user.name} via ${user.platform}`;
}
