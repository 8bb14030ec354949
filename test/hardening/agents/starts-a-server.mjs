#!/usr/bin/env node
// A JSON-lines agent that starts a long-running helper (as an agent starts a dev server), then exits at once
// when told to stop, leaving the helper behind. argv[2] is the helper's marker (a sleep length nobody else uses).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const marker = process.argv[2] ?? '4242.5';
spawn('sleep', [marker], { stdio: 'ignore' });
process.stdout.write(`${JSON.stringify({ type: 'output', text: `helper started (${marker})` })}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (JSON.parse(line).type === 'stop') process.exit(0);
});
