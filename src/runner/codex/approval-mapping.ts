/**
 * Pure translations between agent-tether's approval model and Codex's: permission modes → approval policy
 * and sandbox, approval requests → what a card shows, decisions → Codex decisions.
 * @module
 */

import { createTwoFilesPatch } from 'diff';
import { denyMessage } from '../claude/permission-result.js';
import type { PendingAnswer } from '../pending-answers.js';
import { type ApprovalChoice, ApprovalChoices, type RunnerPermissionRequest } from '../types.js';
import type {
  AskForApproval,
  CommandExecutionRequestApprovalParams,
  FileChangeRequestApprovalParams,
  FileUpdateChange,
  SandboxMode,
} from './protocol.js';

/** Codex's approval policy and sandbox for a permission mode. */
export interface CodexPolicy {
  readonly approvalPolicy: AskForApproval;
  readonly sandbox: SandboxMode;
}

/**
 * - `ask` → `untrusted` + `workspace-write`: Codex asks before every command that is not known to be harmless
 *   (and an allowed command still runs inside its sandbox).
 * - `acceptEdits` → `on-request` + `workspace-write`: commands and edits inside the project run in the
 *   sandbox without asking; Codex asks only to leave the sandbox (network, writes elsewhere).
 * - `bypass` → `never` + `workspace-write`: Codex never asks; the sandbox still confines writes to the project
 *   (pass `sandbox: 'danger-full-access'` to lift it too).
 */
export function codexPolicyFor(choice: ApprovalChoice): CodexPolicy {
  if (choice === ApprovalChoices.bypass) return { approvalPolicy: 'never', sandbox: 'workspace-write' };
  if (choice === ApprovalChoices.acceptEdits)
    return { approvalPolicy: 'on-request', sandbox: 'workspace-write' };
  return { approvalPolicy: 'untrusted', sandbox: 'workspace-write' };
}

/** What Codex is told, and what the model hears next (a deny reason). */
export interface CodexAnswer {
  readonly decision: 'accept' | 'decline' | 'cancel';
  /** A person's deny reason, sent to the model as the next input. */
  readonly nextInput?: string;
}

/**
 * Allow (once, or under one of agent-tether's own timers) → `accept` — never `acceptForSession`, so the next
 * call asks again once our timer ends. Deny and timeout → `decline` (the model sees "rejected by user" and
 * goes on); a deny reason also becomes the next input. A request withdrawn by `/stop` → `cancel`.
 */
export function codexAnswerFor(answer: PendingAnswer): CodexAnswer {
  if (answer.type === 'cancelled') return { decision: 'cancel' };
  const d = answer.decision;
  if (d.behavior === 'allow' || d.behavior === 'selected') return { decision: 'accept' };
  if (d.behavior === 'deny' && d.reason !== undefined && d.reason.trim() !== '')
    return { decision: 'decline', nextInput: `I denied that: ${denyMessage(d)}` };
  return { decision: 'decline' };
}

/** The card of a command approval: the command, its directory and the model's reason. */
export function commandRequest(
  requestId: string,
  params: CommandExecutionRequestApprovalParams,
  fallbackCommand: string | undefined,
): RunnerPermissionRequest {
  const command = params.command ?? fallbackCommand ?? '(command not given)';
  const reason = params.reason ?? undefined;
  return {
    requestId,
    toolName: 'Bash',
    toolInput: {
      command,
      ...(params.cwd ? { directory: params.cwd } : {}),
      ...(reason ? { reason } : {}),
    },
    ...(reason ? { description: reason } : {}),
  };
}

/** The card of a file-change approval: the paths and the change as a unified diff. */
export function fileChangeRequest(
  requestId: string,
  params: FileChangeRequestApprovalParams,
  changes: readonly FileUpdateChange[],
): RunnerPermissionRequest {
  const reason = params.reason ?? undefined;
  const paths = changes.map((c) => c.path);
  return {
    requestId,
    toolName: 'Edit',
    toolInput: {
      file_path: paths.length > 0 ? paths.join(', ') : '(files not given)',
      ...(changes.length > 0 ? { diff: unifiedDiff(changes) } : {}),
      ...(reason ? { reason } : {}),
      ...(params.grantRoot ? { grant_root: params.grantRoot } : {}),
    },
    ...(reason ? { description: reason } : {}),
  };
}

const PATCH = {
  context: 3,
  headerOptions: { includeIndex: false, includeUnderline: false, includeFileHeaders: true },
} as const;

/**
 * The changes as one unified diff. Codex gives a new file's content, a deleted file's old content, and an
 * update's hunks; each becomes a patch with `---`/`+++` headers.
 */
export function unifiedDiff(changes: readonly FileUpdateChange[]): string {
  return changes
    .map((change) => {
      switch (change.kind.type) {
        case 'add':
          return createTwoFilesPatch('/dev/null', `b/${change.path}`, '', change.diff, '', '', PATCH);
        case 'delete':
          return createTwoFilesPatch(`a/${change.path}`, '/dev/null', change.diff, '', '', '', PATCH);
        case 'update': {
          if (/^---\s/m.test(change.diff)) return change.diff;
          const to = change.kind.move_path ?? change.path;
          return `--- a/${change.path}\n+++ b/${to}\n${change.diff}`;
        }
        default:
          return change.diff;
      }
    })
    .map((patch) => patch.trimEnd())
    .join('\n');
}
