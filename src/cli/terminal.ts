/**
 * What the CLI prints for people (on stdout, separate from logs on stderr), and opening the browser.
 * @module
 */
import { spawn } from 'node:child_process';
import qrcode from 'qrcode-terminal';

/** Where the CLI writes for people; the real process streams, or buffers in tests. */
export interface CliIo {
  /** Write a line for the person (stdout). */
  out(line: string): void;
  /** Write a line about a problem (stderr). */
  err(line: string): void;
  /** Whether stdout is a terminal (colours, QR codes, opening the browser). */
  readonly interactive: boolean;
  readonly env: NodeJS.ProcessEnv;
}

/** The {@link CliIo} of this process. */
export function processIo(): CliIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    interactive: process.stdout.isTTY === true,
    env: process.env,
  };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

/** Whether a host only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || host.startsWith('127.');
}

/** The QR code of `text`, small mode (two rows per line), as terminal text. */
export function qrCodeText(text: string): string {
  let rendered = '';
  qrcode.generate(text, { small: true }, (code) => {
    rendered = code;
  });
  return rendered;
}

/**
 * Print how to open the web page: the URL, and — when the page is reachable from the LAN — a QR code for
 * the phone; on a loopback host, how to let the phone in instead (a QR code of 127.0.0.1 would open nothing).
 * @param url - The page URL with its access token.
 * @param host - The interface the bridge listens on.
 */
export function printWebAccess(io: CliIo, url: string, host: string): void {
  io.out('');
  io.out(`  Open the page: ${url}`);
  io.out("  (the link holds the access key: share it only with people who may approve the agent's actions)");
  if (isLoopbackHost(host)) {
    io.out('  Only this computer can open it. To use your phone on the same Wi-Fi, add --host 0.0.0.0');
  } else {
    io.out('  Scan with your phone (same Wi-Fi):');
    io.out(qrCodeText(url));
  }
  io.out('');
}

/**
 * Open `url` in the default browser, best effort: a failure (no display, no opener) changes nothing.
 * The URL is passed as one argument, never through a shell.
 */
export function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // Best effort: the URL is printed anyway.
  }
}
