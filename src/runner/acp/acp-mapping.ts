/**
 * Pure translations between the Agent Client Protocol and agent-tether: tool calls → names, card inputs and
 * activity lines, plans → Markdown, permission options ↔ decisions.
 * @module
 */

import type {
  PermissionOption,
  PlanEntry,
  RequestPermissionOutcome,
  ToolCallContent,
  ToolCallUpdate,
  ToolKind,
} from '@agentclientprotocol/sdk';
import { createTwoFilesPatch } from 'diff';
import { escapeMarkdown } from '../../core/approvals/cards.js';
import type { AgentPermissionOption } from '../../core/types.js';
import { denyMessage } from '../claude/permission-result.js';
import type { PendingAnswer } from '../pending-answers.js';

/** The names agent-tether gives ACP tool kinds (timers such as "Allow Bash 30m" use them). */
const KIND_NAMES: Record<ToolKind, string> = {
  execute: 'Bash',
  edit: 'Edit',
  read: 'Read',
  delete: 'Delete',
  move: 'Move',
  search: 'Search',
  fetch: 'Fetch',
  think: 'Think',
  switch_mode: 'SwitchMode',
  other: 'Tool',
};

/** A tool call's name: the agent's own `name` when it gives one, else its kind's name. */
export function toolNameOf(call: Pick<ToolCallUpdate, 'name' | 'kind'>): string {
  const name = call.name?.trim();
  if (name) return name;
  return KIND_NAMES[call.kind ?? 'other'] ?? 'Tool';
}

const PATCH = {
  context: 3,
  headerOptions: { includeIndex: false, includeUnderline: false, includeFileHeaders: true },
} as const;

/** The text and diffs of a tool call's content. */
function contentOf(content: readonly ToolCallContent[] | null | undefined): { text: string; diff: string } {
  const texts: string[] = [];
  const diffs: string[] = [];
  for (const item of content ?? []) {
    if (item.type === 'content' && item.content.type === 'text') texts.push(item.content.text);
    else if (item.type === 'diff') {
      const from = item.oldText === null || item.oldText === undefined ? '/dev/null' : `a/${item.path}`;
      diffs.push(
        createTwoFilesPatch(
          from,
          `b/${item.path}`,
          item.oldText ?? '',
          item.newText,
          '',
          '',
          PATCH,
        ).trimEnd(),
      );
    }
  }
  return { text: texts.join('\n').trim(), diff: diffs.join('\n') };
}

/**
 * What an approval card shows for a tool call: the agent's raw input when it gives one (OpenCode), else the
 * title as the command of an `execute` call (Gemini CLI puts the command there) or as the title; the text of
 * its content as the description, file diffs as a unified diff, and the paths it touches.
 */
export function cardInputOf(call: ToolCallUpdate): Record<string, unknown> {
  const { text, diff } = contentOf(call.content);
  const raw =
    call.rawInput !== null && typeof call.rawInput === 'object' && !Array.isArray(call.rawInput)
      ? (call.rawInput as Record<string, unknown>)
      : undefined;
  const title = call.title?.trim() ?? '';
  const input: Record<string, unknown> = raw
    ? { ...raw }
    : call.kind === 'execute' && title !== ''
      ? { command: title }
      : title !== ''
        ? { title }
        : {};
  if (raw && title !== '' && !('command' in raw) && !('title' in raw)) input.title = title;
  if (text !== '' && !('description' in input)) input.description = text;
  if (diff !== '') input.diff = diff;
  const paths = (call.locations ?? []).map((l) => l.path);
  if (paths.length > 0 && !('path' in input) && !('file_path' in input)) input.path = paths.join(', ');
  return input;
}

/** The activity line detail of a tool call: its title (the command, the file, the query). */
export function activityDetailOf(call: Pick<ToolCallUpdate, 'title'>): string | undefined {
  const title = call.title?.trim();
  return title === undefined || title === '' ? undefined : title;
}

/** The agent's options as agent-tether sees them. */
export function agentOptionsOf(options: readonly PermissionOption[]): AgentPermissionOption[] {
  return options.map((o) => ({ id: o.optionId, label: o.name, kind: o.kind }));
}

/** How the runner answers the agent, and what the agent hears next (a person's deny reason). */
export interface AcpAnswer {
  readonly outcome: RequestPermissionOutcome;
  readonly nextInput?: string;
}

/**
 * The permission outcome for an answer:
 * - the option the person tapped on the card, when it is one of the agent's;
 * - an allow without one (a typed "yes", one of agent-tether's timers) → the agent's `allow_once` option
 *   (never `allow_always`: our timers end when they say), or `allow_always` only if that is all it offers;
 * - a deny or timeout without one → `reject_once`, else `reject_always`; a deny reason becomes the next input;
 * - withdrawn (`/stop`) or nothing fitting → `cancelled`.
 */
export function acpAnswerFor(answer: PendingAnswer, options: readonly PermissionOption[]): AcpAnswer {
  if (answer.type === 'cancelled') return { outcome: { outcome: 'cancelled' } };
  const decision = answer.decision;
  const picked =
    'option' in decision && decision.option !== undefined
      ? options.find((o) => o.optionId === decision.option?.id && o.kind === decision.option?.kind)
      : undefined;
  const allow = decision.behavior === 'allow' || decision.behavior === 'selected';
  const byKind = (...kinds: PermissionOption['kind'][]) =>
    kinds.map((kind) => options.find((o) => o.kind === kind)).find((o) => o !== undefined);
  const chosen =
    picked ?? (allow ? byKind('allow_once', 'allow_always') : byKind('reject_once', 'reject_always'));
  const outcome: RequestPermissionOutcome =
    chosen === undefined ? { outcome: 'cancelled' } : { outcome: 'selected', optionId: chosen.optionId };
  if (decision.behavior === 'deny' && decision.reason !== undefined && decision.reason.trim() !== '')
    return { outcome, nextInput: `I denied that: ${denyMessage(decision)}` };
  return { outcome };
}

const PLAN_MARKS: Record<PlanEntry['status'], string> = { completed: '✅', in_progress: '⏳', pending: '⬜' };

/** A plan as Markdown: one line per entry with its status. */
export function formatPlan(entries: readonly PlanEntry[]): string {
  const lines = entries.map(
    (e) => `${PLAN_MARKS[e.status] ?? '⬜'} ${escapeMarkdown(e.content.replace(/\s*\n\s*/g, ' '))}`,
  );
  return ['📋 **Plan**', ...lines].join('\n');
}
