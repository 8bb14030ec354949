/**
 * Which `Host` headers a web bridge answers: its own port, on an IP literal, `localhost`, or this machine's name.
 * A DNS-rebinding page (evil.example resolving to 127.0.0.1) sends its own name and is refused.
 * @module
 */
import { isIP } from 'node:net';
import { hostname } from 'node:os';

/** Whether a `Host` header names this bridge: the right port, and a name that cannot be rebound by a stranger. */
export function hostIsAllowed(
  header: string | undefined,
  port: number,
  extraNames: readonly string[] = [],
): boolean {
  if (!header) return false;
  let url: URL;
  try {
    url = new URL(`http://${header}`);
  } catch {
    return false;
  }
  if (url.username || url.password || url.pathname !== '/') return false;
  if (Number(url.port || '80') !== port) return false;
  const name = url.hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  if (isIP(name) !== 0) return true;
  const own = hostname().toLowerCase();
  const allowed = new Set(['localhost', own, `${own}.local`, ...extraNames.map((n) => n.toLowerCase())]);
  return allowed.has(name);
}
