/**
 * The web bridge's HTTP side: the token → cookie exchange, the page and its two static assets, and a 401
 * with a short plain body for everyone else. Every response carries the security headers.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessGuard } from './access-guard.js';
import { PAGE_SCRIPT } from './page/app-script.js';
import { PAGE_STYLE } from './page/app-style.js';
import { PAGE_HTML } from './page/page-html.js';

/** The Content-Security-Policy of every response: no inline script or style, sockets to this origin only. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  'Cache-Control': 'no-store',
};

/** The body of every 401. */
export const UNAUTHORIZED_BODY =
  'Unauthorized: open the link agent-tether printed (it carries the access token).\n';

/**
 * A tiny page that moves to `/` once the cookie is set. A meta refresh rather than a 302: the refresh is a
 * navigation started by this origin, so the SameSite=Strict cookie is sent even when the link was opened from
 * another site (a 302 keeps the cross-site initiator and the browser would withhold the cookie).
 */
function enterPage(socketKey: string): string {
  // The socket key goes to this page only (the answer to the token): /enter.js keeps it in this origin's storage,
  // which pages on other ports of the same host cannot read (they do receive the cookie).
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta name="agent-tether-key" content="${socketKey}"><script src="/enter.js"></script>` +
    '<meta http-equiv="refresh" content="0;url=/">' +
    '<link rel="icon" href="data:,"><title>agent-tether</title></head><body><a href="/">Continue to agent-tether</a></body></html>'
  );
}

/** The script of the entry page: keep the socket key, then move to the page without the token in the URL. */
const ENTER_SCRIPT = `'use strict';
(function () {
  var meta = document.querySelector('meta[name="agent-tether-key"]');
  try { if (meta) localStorage.setItem('agent-tether-socket-key', meta.getAttribute('content') || ''); } catch (e) {}
  location.replace('/');
})();
`;

const ASSETS: Readonly<Record<string, { type: string; body: string }>> = {
  '/': { type: 'text/html; charset=utf-8', body: PAGE_HTML },
  '/app.js': { type: 'text/javascript; charset=utf-8', body: PAGE_SCRIPT },
  '/app.css': { type: 'text/css; charset=utf-8', body: PAGE_STYLE },
  '/enter.js': { type: 'text/javascript; charset=utf-8', body: ENTER_SCRIPT },
};

function send(response: ServerResponse, status: number, type: string, body: string, extra = {}): void {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    ...extra,
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

/** The body of a 403 for a request whose `Host` is not this bridge's. */
export const FORBIDDEN_HOST_BODY =
  'Forbidden: unknown Host. Open the address agent-tether printed (an IP address, localhost or this machine name).\n';

/** Answer 401 with the short plain body and nothing else. */
export function sendUnauthorized(response: ServerResponse): void {
  send(response, 401, 'text/plain; charset=utf-8', UNAUTHORIZED_BODY);
}

/** Called for every request refused for want of a valid token or cookie (for the audit log). */
export type RefusalListener = (request: IncomingMessage, what: string) => void;

/** The request handler of a web bridge's HTTP server. */
export function createHttpHandler(
  guard: AccessGuard,
  onRefused: RefusalListener = () => {},
  allowHost: (host: string | undefined) => boolean = () => true,
): (req: IncomingMessage, res: ServerResponse) => void {
  const refuse = (request: IncomingMessage, response: ServerResponse, what: string) => {
    onRefused(request, what);
    sendUnauthorized(response);
  };
  return (request, response) => {
    if (!allowHost(request.headers.host)) {
      // DNS rebinding: a page of another site whose name now points here.
      onRefused(request, 'http.host');
      send(response, 403, 'text/plain; charset=utf-8', FORBIDDEN_HOST_BODY);
      return;
    }
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://localhost');
    } catch {
      refuse(request, response, 'http.bad_url');
      return;
    }
    const isRead = request.method === 'GET' || request.method === 'HEAD';
    if (url.searchParams.has('token')) {
      if (!isRead || url.pathname !== '/' || !guard.checkToken(url.searchParams.get('token'))) {
        refuse(request, response, 'http.token');
        return;
      }
      const { sessionId, setCookie } = guard.issueSession();
      send(response, 200, 'text/html; charset=utf-8', enterPage(guard.socketKeyFor(sessionId)), {
        'Set-Cookie': setCookie,
      });
      return;
    }
    if (guard.sessionOf(request) === undefined) {
      refuse(request, response, 'http.cookie');
      return;
    }
    if (!isRead) {
      send(response, 405, 'text/plain; charset=utf-8', 'Method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    if (url.pathname === '/api/session') {
      send(response, 200, 'text/plain; charset=utf-8', 'ok\n');
      return;
    }
    const asset = ASSETS[url.pathname];
    if (!asset) {
      send(response, 404, 'text/plain; charset=utf-8', 'Not found\n');
      return;
    }
    send(response, 200, asset.type, asset.body);
  };
}
