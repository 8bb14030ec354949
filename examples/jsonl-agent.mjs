#!/usr/bin/env node
/**
 * A tiny agent speaking agent-tether's JSON-lines protocol (see src/runner/subprocess-protocol.ts).
 * Plain Node, no dependencies. Supervise it with:
 *
 *   new SubprocessRunner(events, { command: 'node', args: ['examples/jsonl-agent.mjs'] })
 *
 * What it does: greets, asks permission to run `echo hello` with the Bash tool, runs it if allowed
 * (says so if denied), then echoes every input line. Input `exit 3` makes it exit with code 3;
 * `{"type":"stop"}` or the end of stdin makes it exit with code 0.
 */
import { execSync } from 'node:child_process';
import { createInterface } from 'node:readline';

const COMMAND = 'echo hello';

/** Write one protocol message on stdout. */
function send(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function exit(code) {
  send({ type: 'exit', code });
  process.exit(code);
}

let permissionPending = true;
const queuedInputs = [];

function handleInput(text) {
  const exitMatch = /^exit (\d+)$/.exec(text.trim());
  if (exitMatch) exit(Number(exitMatch[1]));
  send({ type: 'output', text: `You said: ${text}` });
  send({ type: 'awaiting_input' });
}

function handleDecision(message) {
  if (!permissionPending || message.id !== 'run-echo') return;
  permissionPending = false;
  if (message.behavior === 'allow') {
    const output = execSync(COMMAND, { encoding: 'utf8' });
    send({ type: 'output', text: `$ ${COMMAND}\n${output.trimEnd()}` });
  } else {
    send({ type: 'output', text: `Not running \`${COMMAND}\`: ${message.message ?? 'denied'}` });
  }
  if (queuedInputs.length === 0) send({ type: 'awaiting_input' });
  for (const text of queuedInputs.splice(0)) handleInput(text);
}

send({ type: 'header', title: 'jsonl-agent', model: 'none' });
send({ type: 'output', text: "Hello! I'm a tiny JSON-lines agent. Let me run one command first." });
send({
  type: 'permission_request',
  id: 'run-echo',
  tool: 'Bash',
  input: { command: COMMAND, description: 'Print hello' },
});

const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
lines.on('line', (line) => {
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    send({ type: 'error', message: 'jsonl-agent received a line that is not JSON' });
    return;
  }
  switch (message?.type) {
    case 'input':
      if (typeof message.text !== 'string') return;
      if (permissionPending) queuedInputs.push(message.text);
      else handleInput(message.text);
      return;
    case 'permission_decision':
      handleDecision(message);
      return;
    case 'stop':
      exit(0);
      return;
    default:
      // Unknown message types (e.g. permission_mode) are ignored, as the protocol asks.
      return;
  }
});
lines.on('close', () => exit(0));
