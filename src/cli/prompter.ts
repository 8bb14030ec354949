/**
 * Questions for `init`'s interactive mode, on node:readline/promises. Prompts go to stderr-free stdout;
 * answers are trimmed; a closed input (Ctrl-D, end of a pipe) ends the setup with a clear error.
 * @module
 */
import { createInterface, type Interface } from 'node:readline/promises';
import { CliError } from './errors.js';

/** Asks a person questions on a terminal (or reads answers from a pipe). */
export class Prompter {
  readonly #rl: Interface;
  readonly #lines: string[] = [];
  readonly #waiters: ((line: string | undefined) => void)[] = [];
  #closed = false;

  /**
   * @param input - Where answers come from. @defaultValue process.stdin
   * @param output - Where questions go. @defaultValue process.stdout
   */
  constructor(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout) {
    this.#rl = createInterface({ input, output, terminal: (input as { isTTY?: boolean }).isTTY === true });
    // Lines are queued ourselves: a pipe may deliver every answer before the first question is asked.
    this.#rl.on('line', (line) => {
      const waiter = this.#waiters.shift();
      if (waiter) waiter(line);
      else this.#lines.push(line);
    });
    this.#rl.on('close', () => {
      this.#closed = true;
      for (const waiter of this.#waiters.splice(0)) waiter(undefined);
    });
  }

  /**
   * Ask a question; an empty answer gives `defaultValue` when there is one.
   * @throws CliError when the input ends before an answer.
   */
  async ask(question: string, defaultValue?: string): Promise<string> {
    const suffix = defaultValue === undefined ? '' : ` [${defaultValue}]`;
    this.#rl.setPrompt(`${question}${suffix}: `);
    this.#rl.prompt();
    const line =
      this.#lines.shift() ??
      (this.#closed ? undefined : await new Promise<string | undefined>((r) => this.#waiters.push(r)));
    if (line === undefined)
      throw new CliError('The setup was cancelled (input ended): run `agent-tether init` again');
    const answer = line.trim();
    return answer === '' && defaultValue !== undefined ? defaultValue : answer;
  }

  /** Ask until `parse` accepts the answer (it returns an error message to show, or the value). */
  async askValid<T>(
    question: string,
    parse: (answer: string) => { value: T } | { error: string },
    defaultValue?: string,
  ): Promise<T> {
    for (;;) {
      const result = parse(await this.ask(question, defaultValue));
      if ('value' in result) return result.value;
      process.stdout.write(`  ✗ ${result.error}\n`);
    }
  }

  /** A yes/no question. */
  async confirm(question: string, defaultYes: boolean): Promise<boolean> {
    const answer = (await this.ask(`${question} (${defaultYes ? 'Y/n' : 'y/N'})`)).toLowerCase();
    if (answer === '') return defaultYes;
    return answer.startsWith('y');
  }

  /** Pick one of `choices`. */
  async choose<T extends string>(question: string, choices: readonly T[], defaultValue: T): Promise<T> {
    return this.askValid(
      `${question} (${choices.join('/')})`,
      (answer) => {
        const found = choices.find((c) => c === answer.toLowerCase());
        return found === undefined ? { error: `answer one of ${choices.join(', ')}` } : { value: found };
      },
      defaultValue,
    );
  }

  /** Release the input. */
  close(): void {
    this.#rl.close();
  }
}
