/**
 * Voice notes become text through a transcriber command the person configured (e.g. a local whisper CLI):
 * `{file}` in the command is replaced by the saved audio file, the command runs without a shell and with a
 * timeout, and what it prints is the transcript. Audio goes nowhere else.
 * @module
 */
import { execFile } from 'node:child_process';
import { TetherError } from './errors.js';

/** A transcriber: the command line, and how long it may run. */
export interface TranscriberOptions {
  /** E.g. `whisper-cli -m ggml-base.en.bin -nt -f {file}`; `{file}` is the audio file (appended when absent). */
  readonly command: string;
  /** @defaultValue 120 000 (two minutes) */
  readonly timeoutMs?: number;
}

/** The defaults of {@link TranscriberOptions}. */
export const TRANSCRIBER_DEFAULTS = { timeoutMs: 120_000 } as const;

/** Longest transcript kept. */
const MAX_TRANSCRIPT_BYTES = 64 * 1024;

/** What a person is told when they send a voice note and no transcriber is configured. */
export const VOICE_SETUP_HINT =
  '🎙️ Voice notes need a transcriber on this machine, and none is configured: nothing was sent to the agent. Fix: set `"transcriber": "whisper-cli -nt -f {file}"` (any command printing the transcript; `{file}` is the audio file) in the config file, or the `transcriber` bridge option, and restart. The audio never leaves this machine.';

/** Split a command line into words: whitespace separates, single and double quotes group, no shell. */
export function commandWords(command: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of command.matchAll(pattern)) words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}

/**
 * Run the transcriber on `file` and return the transcript (trimmed).
 * @throws TetherError `ATTACHMENT` naming the command and the fix when it fails, times out or prints nothing.
 */
export async function transcribe(options: TranscriberOptions, file: string): Promise<string> {
  const words = commandWords(options.command);
  const [program, ...rest] = words;
  if (program === undefined) {
    throw new TetherError(
      'CONFIG',
      'The transcriber command is empty. Fix: set "transcriber" to a command such as "whisper-cli -nt -f {file}".',
    );
  }
  const args = words.some((w) => w.includes('{file}'))
    ? rest.map((w) => w.replaceAll('{file}', file))
    : [...rest, file];
  const timeoutMs = options.timeoutMs ?? TRANSCRIBER_DEFAULTS.timeoutMs;
  const output = await new Promise<string>((resolve, reject) => {
    execFile(
      program,
      args,
      { timeout: timeoutMs, maxBuffer: MAX_TRANSCRIPT_BYTES, windowsHide: true, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const why = error.killed
          ? `did not finish within ${Math.round(timeoutMs / 1000)} s`
          : 'code' in error && error.code === 'ENOENT'
            ? 'was not found'
            : `failed (${String(stderr).trim().split('\n')[0]?.slice(0, 200) || error.message})`;
        reject(
          new TetherError(
            'ATTACHMENT',
            `The transcriber "${program}" ${why}, so the voice note was not transcribed. Fix: check the "transcriber" command in the config (run it by hand on an audio file).`,
            { cause: error },
          ),
        );
      },
    );
  });
  const transcript = output.trim();
  if (!transcript) {
    throw new TetherError(
      'ATTACHMENT',
      `The transcriber "${program}" printed no transcript. Fix: make it print the text on standard output.`,
    );
  }
  return transcript;
}
