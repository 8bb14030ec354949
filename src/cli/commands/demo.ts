/**
 * `agent-tether demo`: a scripted agent supervised through the local web page — no account, no config, no
 * network, nothing left behind (in-memory store).
 * @module
 */
import { MemoryStore } from '../../core/store/index.js';
import { ScriptedRunner } from '../../runner/scripted.js';
import { demoScript } from '../../runner/scripted-script.js';
import { supervise } from '../../runner/supervise.js';
import { WebBridge } from '../../web/index.js';
import { ShutdownSignals } from '../shutdown.js';
import { openInBrowser, printWebAccess } from '../terminal.js';
import type { CommandContext } from './context.js';

/** Options of `agent-tether demo`. */
export interface DemoOptions {
  /** Port of the web page; 0 picks a free one. @defaultValue 8787 */
  readonly port: number;
  /** Interface to listen on; `0.0.0.0` lets a phone on the LAN in. @defaultValue '127.0.0.1' */
  readonly host: string;
  /** Open the page in the browser (only when stdout is a terminal). @defaultValue true */
  readonly open: boolean;
}

/** The demo's first prompt. */
export const DEMO_PROMPT = 'Fix the failing test in src/cart.ts';

/**
 * Serve the web page, play the demo session until Ctrl-C, then stop cleanly.
 * @returns the exit code (0).
 */
export async function demoCommand(options: DemoOptions, context: CommandContext): Promise<number> {
  const { io, logger } = context;
  const signals = new ShutdownSignals();
  const bridge = new WebBridge({ port: options.port, host: options.host, store: new MemoryStore(), logger });
  try {
    const session = await supervise({
      bridges: bridge,
      runner: (events) =>
        new ScriptedRunner(events, { script: demoScript(), title: 'agent-tether demo agent', logger }),
      prompt: DEMO_PROMPT,
      name: 'Demo: fix the failing test',
      logger,
    });
    printWebAccess(io, bridge.url, bridge.host);
    if (options.open && io.interactive) openInBrowser(bridge.url);
    io.out('A demo agent is working on the page: approve or deny what it asks. Press Ctrl-C to quit.');
    let stopping = false;
    void session.done.then(() => {
      if (!stopping) io.out('The demo session has ended. Press Ctrl-C to quit.');
    });
    const signal = await signals.received;
    stopping = true;
    logger.debug({ signal }, 'stopping the demo');
    await session
      .stop()
      .catch((error: unknown) => logger.warn({ err: error }, 'stopping the demo agent failed'));
    return 0;
  } finally {
    await bridge.stop();
    signals.dispose();
  }
}
