/**
 * Translates `codex app-server` items and token usage into {@link RunnerEvents} output: the agent's text,
 * one activity line per command, file change, MCP call or web search, and plans.
 * @module
 */

import { activityLine } from '../activity-line.js';
import type { RunnerEvents } from '../types.js';
import type { ThreadItem, ThreadTokenUsage } from './protocol.js';

/** The activity line of an item when it starts, or undefined for items that are not tool use. */
export function startedLine(item: ThreadItem): string | undefined {
  switch (item.type) {
    case 'commandExecution': {
      const actions = item.commandActions.map((a) => a.command).filter((c) => c !== '');
      return activityLine('Bash', actions.length > 0 ? actions.join(' && ') : item.command);
    }
    case 'fileChange':
      return activityLine('Edit', item.changes.map((c) => c.path).join(', '));
    case 'mcpToolCall':
      return activityLine(`${item.server}/${item.tool}`);
    case 'webSearch':
      return activityLine('WebSearch', item.query);
    default:
      return undefined;
  }
}

/** Emit what a completed item shows: the agent's message, a plan, or a failed/declined command. */
export async function emitCompletedItem(
  sessionId: string,
  events: RunnerEvents,
  item: ThreadItem,
): Promise<void> {
  switch (item.type) {
    case 'agentMessage':
      if (item.text.trim() !== '') await events.onOutput(sessionId, 'combined', item.text, { kind: 'final' });
      return;
    case 'plan':
      if (item.text.trim() !== '')
        await events.onOutput(sessionId, 'combined', `📋 **Plan**\n\n${item.text}`, { kind: 'step' });
      return;
    case 'commandExecution':
      if (item.status === 'failed' && item.exitCode !== null)
        await events.onOutput(sessionId, 'combined', `_exit code ${item.exitCode}_`, { kind: 'step' });
      return;
    default:
      return;
  }
}

/** The `usage` metadata of a token-usage notification (the thread's totals). */
export async function emitUsage(
  sessionId: string,
  events: RunnerEvents,
  usage: ThreadTokenUsage,
): Promise<void> {
  const t = usage.total;
  await events.onMetadata(sessionId, 'usage', t, `${t.inputTokens} input / ${t.outputTokens} output tokens`);
}
