/**
 * Reads a stream as lines with a length cap, so an agent that writes gigabytes without a newline cannot
 * exhaust memory: an over-long line is dropped (up to its newline) and reported once.
 * @module
 */

import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** Longest line kept, in characters. @defaultValue 2 MiB (a protocol line carries at most 1 MB of text) */
export const MAX_LINE_LENGTH = 2 * 1024 * 1024;

/**
 * Call `onLine` for every line of `stream` (without its `\n` or `\r\n`), and `onTooLong` for each line that
 * exceeded `maxLength` (its content is dropped).
 */
export function readLines(
  stream: Readable,
  onLine: (line: string) => void,
  onTooLong: (length: number) => void,
  maxLength = MAX_LINE_LENGTH,
): void {
  const decoder = new StringDecoder('utf8');
  let buffer = '';
  let dropping = 0;
  const push = (text: string) => {
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      const piece = text.slice(start, newline);
      start = newline + 1;
      if (dropping > 0) {
        onTooLong(dropping + piece.length);
        dropping = 0;
        continue;
      }
      if (buffer.length + piece.length > maxLength) {
        onTooLong(buffer.length + piece.length);
        buffer = '';
        continue;
      }
      const line = buffer + piece;
      buffer = '';
      onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    const rest = text.slice(start);
    if (dropping > 0) dropping += rest.length;
    else if (buffer.length + rest.length > maxLength) {
      dropping = buffer.length + rest.length;
      buffer = '';
    } else buffer += rest;
  };
  stream.on('data', (chunk: Buffer | string) =>
    push(typeof chunk === 'string' ? chunk : decoder.write(chunk)),
  );
  stream.on('end', () => {
    push(decoder.end());
    if (dropping > 0) onTooLong(dropping);
    else if (buffer.length > 0) onLine(buffer);
    buffer = '';
  });
}
