/**
 * Loads the optional `@anthropic-ai/claude-agent-sdk` peer dependency only when a Claude session starts.
 * @module
 */

import { RunnerUnavailableError } from '../errors.js';

/** The part of the Agent SDK the runner uses. */
export type ClaudeAgentSdk = Pick<typeof import('@anthropic-ai/claude-agent-sdk'), 'query'>;

/** The package name of the Agent SDK. */
export const CLAUDE_AGENT_SDK = '@anthropic-ai/claude-agent-sdk';

/**
 * Import the Agent SDK.
 * @param specifier - The module to import. @defaultValue '@anthropic-ai/claude-agent-sdk'
 * @throws RunnerUnavailableError saying how to install it when it cannot be loaded.
 */
export async function loadClaudeAgentSdk(specifier: string = CLAUDE_AGENT_SDK): Promise<ClaudeAgentSdk> {
  let sdk: Partial<ClaudeAgentSdk>;
  try {
    sdk = (await import(specifier)) as Partial<ClaudeAgentSdk>;
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND';
    throw new RunnerUnavailableError(
      missing
        ? `The claude runner needs the Claude Agent SDK, which is not installed: npm install ${CLAUDE_AGENT_SDK}`
        : `The Claude Agent SDK could not be loaded (${(error as Error).message}): reinstall it with npm install ${CLAUDE_AGENT_SDK}`,
      { cause: error, runnerType: 'claude' },
    );
  }
  if (typeof sdk.query !== 'function') {
    throw new RunnerUnavailableError(
      `"${specifier}" has no query() function: install a current SDK with npm install ${CLAUDE_AGENT_SDK}@latest`,
      { runnerType: 'claude' },
    );
  }
  return { query: sdk.query };
}
