#!/usr/bin/env node
// A stand-in for `codex app-server` in protocol tests: answers initialize / thread/start / turn/start, then
// sends what the scenario in FAKE_CODEX_SCENARIO asks for, and logs every message it receives (one JSON per
// line) to FAKE_CODEX_LOG.
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const log = process.env.FAKE_CODEX_LOG;
const scenario = process.env.FAKE_CODEX_SCENARIO ?? 'file-change';
const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const thread = 'thread-1';
const turn = 'turn-1';

createInterface({ input: process.stdin }).on('line', (line) => {
  if (log) appendFileSync(log, `${line}\n`);
  const message = JSON.parse(line);
  // A Codex that started but never answers (a hung login prompt, a broken config): nothing is sent back.
  if (scenario === 'silent') return;
  switch (message.method) {
    case 'initialize':
      send({
        id: message.id,
        result: {
          userAgent: 'agent-tether/9.9.9 (test)',
          codexHome: '/x',
          platformFamily: 'unix',
          platformOs: 'linux',
        },
      });
      return;
    case 'thread/start':
      send({
        id: message.id,
        result: {
          thread: { id: thread },
          model: 'm',
          modelProvider: 'p',
          cwd: message.params.cwd,
          approvalPolicy: message.params.approvalPolicy,
          sandbox: { type: 'workspaceWrite' },
        },
      });
      return;
    case 'turn/start':
      send({
        id: message.id,
        result: { turn: { id: turn, status: 'inProgress', error: null, durationMs: null } },
      });
      send({
        method: 'turn/started',
        params: { threadId: thread, turn: { id: turn, status: 'inProgress', error: null, durationMs: null } },
      });
      if (scenario === 'unknown-request') {
        send({
          id: 'u1',
          method: 'item/tool/requestUserInput',
          params: { threadId: thread, turnId: turn, itemId: 'q', questions: [] },
        });
        return;
      }
      send({
        method: 'item/started',
        params: {
          threadId: thread,
          turnId: turn,
          item: {
            type: 'fileChange',
            id: 'patch-1',
            status: 'inProgress',
            changes: [
              {
                path: 'src/app.ts',
                kind: { type: 'update', move_path: null },
                diff: '@@ -1 +1 @@\n-const a = 1;\n+const a = 2;\n',
              },
              { path: 'NOTES.md', kind: { type: 'add' }, diff: 'hello\n' },
            ],
          },
        },
      });
      send({
        id: 7,
        method: 'item/fileChange/requestApproval',
        params: { threadId: thread, turnId: turn, itemId: 'patch-1', reason: 'bump the constant' },
      });
      return;
    default:
      if (message.id !== undefined && message.method === undefined) {
        // An answer to one of our requests: finish the turn.
        send({
          method: 'turn/completed',
          params: { threadId: thread, turn: { id: turn, status: 'completed', error: null, durationMs: 1 } },
        });
      }
  }
});
