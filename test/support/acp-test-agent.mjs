#!/usr/bin/env node
// An ACP agent written with the SDK's agent side, for the AcpRunner tests. What it does depends on the prompt:
//   "...marker..."  streams text, announces a shell tool call, asks permission with all four option kinds,
//                   runs `echo ran > marker` when allowed;
//   "ask"           asks permission (no tool_call first, like Gemini CLI) and says which option came back;
//   "plan"          reports a plan;  "exit N"  exits with code N;  anything else  "Echo: <text>".
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { agent, methods, ndJsonStream, PROTOCOL_VERSION } from '@agentclientprotocol/sdk';

const OPTIONS = [
  { optionId: 'allow-once', name: 'Allow', kind: 'allow_once' },
  { optionId: 'allow-always', name: 'Allow for this session', kind: 'allow_always' },
  { optionId: 'reject-once', name: 'Reject', kind: 'reject_once' },
  { optionId: 'reject-always', name: 'Never', kind: 'reject_always' },
];
let cwd = process.cwd();
let calls = 0;

const say = (client, sessionId, text) =>
  client.notify(methods.client.session.update, {
    sessionId,
    update: { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text } },
  });

const app = agent({ name: 'acp-test-agent' })
  .onRequest(methods.agent.initialize, () => ({
    protocolVersion: PROTOCOL_VERSION,
    agentCapabilities: {},
    agentInfo: { name: 'acp-test-agent', title: 'ACP Test Agent', version: '1.0.0' },
  }))
  .onRequest(methods.agent.session.new, ({ params }) => {
    cwd = params.cwd;
    return { sessionId: 'test-session-1' };
  })
  .onNotification(methods.agent.session.cancel, () => writeFileSync(join(cwd, 'cancel-received'), 'yes'))
  .onRequest(methods.agent.session.prompt, async ({ params, client }) => {
    const { sessionId } = params;
    const text = params.prompt.map((b) => (b.type === 'text' ? b.text : '')).join('');
    const exit = /^exit (\d+)$/.exec(text.trim());
    if (exit) process.exit(Number(exit[1]));
    if (text.includes('marker')) {
      await say(client, sessionId, 'Working ');
      await say(client, sessionId, 'on it.');
      const toolCallId = `call-${++calls}`;
      const toolCall = { toolCallId, title: 'echo ran > marker', kind: 'execute', status: 'pending' };
      await client.notify(methods.client.session.update, {
        sessionId,
        update: { sessionUpdate: 'tool_call', ...toolCall },
      });
      const answer = await client.request(methods.client.session.requestPermission, {
        sessionId,
        toolCall: {
          ...toolCall,
          content: [{ type: 'content', content: { type: 'text', text: 'Leave a marker' } }],
        },
        options: OPTIONS,
      });
      if (answer.outcome.outcome === 'cancelled') return { stopReason: 'cancelled' };
      if (answer.outcome.optionId.startsWith('allow')) {
        execSync('echo ran > marker', { cwd });
        await client.notify(methods.client.session.update, {
          sessionId,
          update: { sessionUpdate: 'tool_call_update', toolCallId, status: 'completed' },
        });
        await say(client, sessionId, 'The marker is written.');
      } else await say(client, sessionId, `Not run: ${answer.outcome.optionId}`);
      return { stopReason: 'end_turn' };
    }
    if (text.trim() === 'ask') {
      const answer = await client.request(methods.client.session.requestPermission, {
        sessionId,
        toolCall: {
          toolCallId: `call-${++calls}`,
          title: 'rm -rf build',
          kind: 'execute',
          status: 'pending',
        },
        options: OPTIONS,
      });
      if (answer.outcome.outcome === 'cancelled') return { stopReason: 'cancelled' };
      await say(client, sessionId, `Selected: ${answer.outcome.optionId}`);
      return { stopReason: 'end_turn' };
    }
    if (text.trim() === 'plan') {
      await client.notify(methods.client.session.update, {
        sessionId,
        update: {
          sessionUpdate: 'plan',
          entries: [
            { content: 'Read the *failing* test', priority: 'high', status: 'completed' },
            { content: 'Fix the bug', priority: 'high', status: 'in_progress' },
            { content: 'Run the suite', priority: 'medium', status: 'pending' },
          ],
        },
      });
      return { stopReason: 'end_turn' };
    }
    await say(client, sessionId, `Echo: ${text}`);
    return { stopReason: 'end_turn' };
  });

app.connect(ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin)));
