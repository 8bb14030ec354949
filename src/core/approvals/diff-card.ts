/**
 * The body of an approval card: a diff for file changes (Edit, MultiEdit, Write, NotebookEdit, patches),
 * else the humanized tool input; and the file "Show all" sends.
 * @module
 */
import { diffMarkdown, toolDiff } from '../../format/diff.js';
import { revealHiddenCharacters } from '../../format/hidden-characters.js';
import { formatToolInput, formatToolInputFull } from '../../format/index.js';
import type { OutgoingFile } from '../outgoing-file.js';
import type { ApprovalRequest } from '../types.js';
import { parseDescription } from './requests.js';

function diffOf(request: ApprovalRequest) {
  return toolDiff(request.toolName, request.input, { directory: request.directory });
}

/** The card body (Markdown) and whether it was cut. */
export function approvalBody(request: ApprovalRequest): { markdown: string; truncated: boolean } {
  const diff = diffOf(request);
  if (diff) return diffMarkdown(diff.text);
  return formatToolInput(request.toolName, request.input ?? parseDescription(request.description));
}

/** What "Show all" sends: the whole diff as a `.diff` file, or the full input as text. */
export function showAllContent(request: ApprovalRequest): { file: OutgoingFile } | { markdown: string } {
  const diff = diffOf(request);
  if (diff) return { file: { fileName: diff.fileName, content: diff.text, caption: 'The whole diff' } };
  return {
    markdown: revealHiddenCharacters(
      formatToolInputFull(request.toolName, request.input ?? parseDescription(request.description)),
    ),
  };
}
