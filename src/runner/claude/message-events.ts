/**
 * Translates Agent SDK messages into {@link RunnerEvents}.
 * @module
 */

import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { activityDetailOfInput, activityLine } from '../activity-line.js';
import type { RunnerEvents } from '../types.js';

/** What the translation remembers across the messages of one session. */
export interface MessageEventsState {
  /** Whether the header was emitted (the SDK sends `system/init` at every turn; the header goes out once). */
  headerSent: boolean;
}

/** What a message meant for the session's life cycle. */
export type MessageOutcome = 'none' | 'turn-succeeded' | 'turn-failed';

/**
 * Emit the events for one SDK message, in order.
 * - `system/init` → `onHeader` (model, cwd, permission mode, Claude Code version), once per session
 * - `assistant` → `onOutput` for text (subagent text as `step`), `🔧 Name detail` steps for tool calls
 * - `result` → `onMetadata` `usage`, `cost`, `duration`; failures → `onError`
 * @returns whether the message ended a turn, and how.
 */
export async function emitSdkMessage(
  sessionId: string,
  events: RunnerEvents,
  message: SDKMessage,
  state: MessageEventsState,
): Promise<MessageOutcome> {
  switch (message.type) {
    case 'system':
      if (message.subtype === 'init' && !state.headerSent) {
        state.headerSent = true;
        await events.onHeader(sessionId, {
          title: `Claude Code ${message.claude_code_version}`,
          model: message.model,
          provider: 'Anthropic',
          approval: message.permissionMode,
          threadId: message.session_id,
          cwd: message.cwd,
        });
      }
      return 'none';
    case 'assistant': {
      const subagent = message.parent_tool_use_id !== null;
      for (const block of message.message.content) {
        if (block.type === 'text' && block.text.trim() !== '') {
          await events.onOutput(sessionId, 'combined', block.text, { kind: subagent ? 'step' : 'final' });
        } else if (block.type === 'tool_use') {
          const line = activityLine(block.name, activityDetailOfInput(block.input));
          await events.onOutput(sessionId, 'combined', line, { kind: 'step' });
        }
      }
      if (message.error !== undefined)
        await events.onError(sessionId, 'claude', `The model call failed: ${message.error}`);
      return 'none';
    }
    case 'result': {
      const usage = message.usage;
      await events.onMetadata(
        sessionId,
        'usage',
        usage,
        `${usage.input_tokens} input / ${usage.output_tokens} output tokens`,
      );
      await events.onMetadata(
        sessionId,
        'cost',
        message.total_cost_usd,
        `$${message.total_cost_usd.toFixed(4)}`,
      );
      await events.onMetadata(
        sessionId,
        'duration',
        message.duration_ms,
        `${(message.duration_ms / 1000).toFixed(1)} s`,
      );
      if (message.subtype !== 'success') {
        await events.onError(sessionId, message.subtype, message.errors.join('\n') || message.subtype);
        return 'turn-failed';
      }
      if (message.is_error) {
        await events.onError(sessionId, 'claude', message.result);
        return 'turn-failed';
      }
      return 'turn-succeeded';
    }
    default:
      return 'none';
  }
}
