/**
 * Reads a Claude Code session transcript (`~/.claude/projects/<dir>/<session>.jsonl`) from a byte offset and
 * turns the new complete lines into what a person wants to see: the assistant's text, its tool calls, and
 * short tool results. Everything else (attachments, API request shapes, costs) is skipped.
 * @module
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { formatToolInput } from '../format/humanize.js';

/** One piece of output from the transcript. */
export interface TranscriptOutput {
  readonly text: string;
  readonly kind: 'final' | 'step';
}

/** Largest chunk read at once (a transcript can hold megabytes of prompt snapshots). */
const MAX_READ = 4 * 1024 * 1024;
/** Longest tool result shown. */
const RESULT_CHARS = 400;

/**
 * Read the complete lines after `offset`.
 * @returns the outputs and the offset after the last complete line (unchanged when nothing new or no file).
 */
export function readTranscript(
  path: string,
  offset: number,
): { outputs: TranscriptOutput[]; offset: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return { outputs: [], offset };
  }
  try {
    const size = fstatSync(fd).size;
    if (size < offset) offset = 0; // truncated or replaced: start over
    const outputs: TranscriptOutput[] = [];
    while (offset < size) {
      const length = Math.min(MAX_READ, size - offset);
      const buffer = Buffer.alloc(length);
      const read = readSync(fd, buffer, 0, length, offset);
      const end = buffer.lastIndexOf(0x0a, read - 1);
      if (end < 0) {
        // One line longer than MAX_READ (a huge snapshot): skip to its end.
        if (read < MAX_READ) break;
        offset += read;
        continue;
      }
      for (const line of buffer.subarray(0, end).toString('utf8').split('\n'))
        outputs.push(...renderLine(line));
      offset += end + 1;
    }
    return { outputs, offset };
  } finally {
    closeSync(fd);
  }
}

/** The size of a file, or 0 when it does not exist. */
export function fileSize(path: string): number {
  try {
    const fd = openSync(path, 'r');
    try {
      return fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
  } catch {
    return 0;
  }
}

type Block = {
  type?: unknown;
  text?: unknown;
  name?: unknown;
  input?: unknown;
  content?: unknown;
  is_error?: unknown;
};

function renderLine(line: string): TranscriptOutput[] {
  if (!line.trim()) return [];
  let entry: { type?: unknown; isSidechain?: unknown; isMeta?: unknown; message?: { content?: unknown } };
  try {
    entry = JSON.parse(line) as typeof entry;
  } catch {
    return [];
  }
  if (entry.isSidechain === true || entry.isMeta === true) return [];
  const content = entry.message?.content;
  if (!Array.isArray(content)) return [];
  const outputs: TranscriptOutput[] = [];
  for (const block of content as Block[]) {
    if (entry.type === 'assistant' && block.type === 'text' && typeof block.text === 'string') {
      if (block.text.trim()) outputs.push({ text: block.text, kind: 'final' });
    } else if (entry.type === 'assistant' && block.type === 'tool_use' && typeof block.name === 'string') {
      const input =
        block.input !== null && typeof block.input === 'object'
          ? (block.input as Record<string, unknown>)
          : undefined;
      const shown = formatToolInput(block.name, input, { maxTotalLength: 600 }).markdown;
      outputs.push({
        text: `🔧 **${block.name.replace(/[*_`[\]]/g, '')}**${shown ? `\n${shown}` : ''}`,
        kind: 'step',
      });
    } else if (entry.type === 'user' && block.type === 'tool_result') {
      const text = resultText(block.content).trim();
      if (!text) continue;
      const cut = text.length > RESULT_CHARS ? `${text.slice(0, RESULT_CHARS)}…` : text;
      const fence = cut.includes('```') ? '````' : '```';
      outputs.push({
        text: `${block.is_error === true ? '⚠️ ' : ''}${fence}\n${cut}\n${fence}`,
        kind: 'step',
      });
    }
  }
  return outputs;
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as Block[])
    .filter((b) => b?.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string)
    .join('\n');
}
