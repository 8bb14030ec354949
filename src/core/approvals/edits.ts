/**
 * Edit, then approve: which field of a tool input a person may correct (`command` for Bash-like tools, else the
 * new text of an edit or a file), the input after the correction, and the card body showing the change as a diff.
 * @module
 */
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { diffMarkdown } from '../../format/diff.js';
import type { ApprovalRequest } from '../types.js';

const EDITABLE_FIELDS = ['command', 'new_string', 'content', 'new_source'] as const;

/** The field a correction replaces, or undefined when the request cannot be edited. */
export function editableField(request: ApprovalRequest): (typeof EDITABLE_FIELDS)[number] | undefined {
  if (request.editable !== true) return undefined;
  return EDITABLE_FIELDS.find((field) => typeof request.input?.[field] === 'string');
}

/** What the person is asked to reply with. */
export function editPrompt(field: (typeof EDITABLE_FIELDS)[number]): string {
  return field === 'command' ? 'the corrected command' : `the corrected ${field.replace('_', ' ')}`;
}

/** The input with the corrected field. A reply wrapped in a code block is unwrapped. */
export function editedInput(request: ApprovalRequest, reply: string): Record<string, unknown> | undefined {
  const field = editableField(request);
  if (!field) return undefined;
  const fenced = /^```[^\n]*\n([\s\S]*?)\n?```$/.exec(reply.trim());
  const inline = /^`([^`\n]+)`$/.exec(reply.trim());
  const value = fenced?.[1] ?? inline?.[1] ?? reply.trim();
  return { ...request.input, [field]: value };
}

/** The card body of an edited request: the change as a diff, cut like any diff. */
export function editedBody(
  request: ApprovalRequest,
  edited: Record<string, unknown>,
): { markdown: string; truncated: boolean } {
  const field = editableField(request) ?? 'command';
  const before = String(request.input?.[field] ?? '');
  const after = String(edited[field] ?? '');
  const patch = createTwoFilesPatch(`a/${field}`, `b/${field}`, `${before}\n`, `${after}\n`, '', '', {
    context: 3,
    headerOptions: FILE_HEADERS_ONLY,
  });
  const diff = diffMarkdown(patch);
  return {
    markdown: `✏️ **Edited** — Allow runs the edited ${field.replace('_', ' ')}:\n\n${diff.markdown}`,
    truncated: diff.truncated,
  };
}
