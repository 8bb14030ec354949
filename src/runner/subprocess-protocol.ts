/**
 * # The agent-tether JSON-lines agent protocol
 *
 * Any program can be supervised by `SubprocessRunner` if it speaks this protocol: one JSON object per line
 * (UTF-8, `\n`-terminated) on **stdout** towards agent-tether, and on **stdin** from agent-tether.
 * Anything the program writes to **stderr** is shown as output on stream `stderr`.
 *
 * ## Start
 * The runner spawns the command with these extra environment variables:
 * - `AGENT_TETHER_SESSION_ID` — the supervisor's session id.
 * - `AGENT_TETHER_PERMISSION_MODE` — `default`, `acceptEdits` or `bypassPermissions`.
 * If the session has a prompt, the first stdin line is an `input` message carrying it.
 *
 * ## Agent → runner (stdout)
 * | line | meaning |
 * |---|---|
 * | `{"type":"output","text":"…","kind"?:"final"\|"step"}` | show text (markdown) |
 * | `{"type":"permission_request","id":"r1","tool":"Bash","input":{…},"description"?:"…","editable"?:true}` | ask a person; wait for a `permission_decision` with the same id. `editable`: the agent runs `updated_input` from the decision, so the card offers **Edit** |
 * | `{"type":"awaiting_input"}` | the turn is done; waiting for `input` |
 * | `{"type":"metadata","data":{"tokens":123,…}}` | report metadata; each key becomes one event |
 * | `{"type":"header","title":"…","model"?:"…"}` | describe the session (the runner already sent a header naming the command at spawn) |
 * | `{"type":"error","message":"…"}` | report an error (the session goes on) |
 * | `{"type":"exit","code":0}` | the agent is about to exit with this code |
 * | `{"type":"file","path":"out/chart.png","caption"?:"…"}` | send a file it made to the chat (a photo for png/jpg/gif/webp, else a document); only a regular file inside the agent's working directory, at most 20 MB |
 *
 * ## Runner → agent (stdin)
 * | line | meaning |
 * |---|---|
 * | `{"type":"input","text":"…"}` | a person wrote this |
 * | `{"type":"attachment","path":"/…/a1b2c3d4-photo.jpg","name":"a1b2c3d4-photo.jpg","kind":"photo"\|"document","size":1234,"mime_type"?:"image/jpeg","caption"?:"…"}` | a person sent a file; it is saved at `path` (in the session's attachment directory) |
 * | `{"type":"permission_decision","id":"r1","behavior":"allow"\|"deny","message"?:"…","updated_input"?:{…}}` | the answer; `message` is the deny reason; `updated_input` (only after `editable`) is the input a person corrected: run it instead of the original |
 * | `{"type":"permission_mode","mode":"default"\|"acceptEdits"\|"bypassPermissions"}` | the person changed the mode |
 * | `{"type":"stop"}` | exit now; stdin is closed right after, and the process is killed if it lingers |
 *
 * Agents must ignore message types they do not know, so the protocol can grow. A stdout line that is not
 * valid JSON or does not match a message above is reported as an error with code `protocol` and skipped —
 * it never ends the session. A timed-out approval reaches the agent as `deny` with the message
 * "No one answered the approval request in time".
 *
 * A complete example agent in plain Node: `examples/jsonl-agent.mjs`.
 * @module
 */

import { z } from 'zod';

/** Longest text accepted in one message field, to keep a runaway agent from exhausting memory. */
const MAX_TEXT = 1_000_000;

/** `{"type":"output","text":"…"}` */
export const AgentOutputMessage = z.object({
  type: z.literal('output'),
  text: z.string().max(MAX_TEXT),
  kind: z.enum(['final', 'step']).optional(),
});

/** `{"type":"permission_request","id":"…","tool":"Bash","input":{…}}` */
export const AgentPermissionRequestMessage = z.object({
  type: z.literal('permission_request'),
  id: z.string().min(1).max(200),
  tool: z.string().min(1).max(200),
  input: z.record(z.string(), z.unknown()).default({}),
  description: z.string().max(MAX_TEXT).optional(),
  editable: z.boolean().optional(),
});

/** `{"type":"awaiting_input"}` */
export const AgentAwaitingInputMessage = z.object({ type: z.literal('awaiting_input') });

/** `{"type":"metadata","data":{…}}` */
export const AgentMetadataMessage = z.object({
  type: z.literal('metadata'),
  data: z.record(z.string(), z.unknown()),
});

/** `{"type":"header","title":"…","model"?:"…"}` */
export const AgentHeaderMessage = z.object({
  type: z.literal('header'),
  title: z.string().max(500),
  model: z.string().max(200).optional(),
  provider: z.string().max(200).optional(),
});

/** `{"type":"error","message":"…"}` */
export const AgentErrorMessage = z.object({ type: z.literal('error'), message: z.string().max(MAX_TEXT) });

/** `{"type":"exit","code":0}` */
export const AgentExitMessage = z.object({ type: z.literal('exit'), code: z.number().int() });

/** `{"type":"file","path":"out/chart.png","caption"?:"…"}`: send a file the agent made to the chat. */
export const AgentFileMessage = z.object({
  type: z.literal('file'),
  path: z.string().min(1).max(4096),
  caption: z.string().max(1024).optional(),
});

/** Any line an agent may write on stdout. */
export const AgentMessage = z.discriminatedUnion('type', [
  AgentFileMessage,
  AgentOutputMessage,
  AgentPermissionRequestMessage,
  AgentAwaitingInputMessage,
  AgentMetadataMessage,
  AgentHeaderMessage,
  AgentErrorMessage,
  AgentExitMessage,
]);

/** A parsed agent → runner message. */
export type AgentMessage = z.infer<typeof AgentMessage>;

/** A runner → agent message. */
export type RunnerMessage =
  | { readonly type: 'input'; readonly text: string }
  | {
      readonly type: 'permission_decision';
      readonly id: string;
      readonly behavior: 'allow' | 'deny';
      readonly message?: string;
      readonly updated_input?: Record<string, unknown>;
    }
  | { readonly type: 'permission_mode'; readonly mode: 'default' | 'acceptEdits' | 'bypassPermissions' }
  | { readonly type: 'stop' }
  | {
      readonly type: 'attachment';
      readonly path: string;
      readonly name: string;
      readonly kind: 'photo' | 'document';
      readonly size: number;
      readonly mime_type?: string;
      readonly caption?: string;
    };

/** The outcome of parsing one stdout line. */
export type ParsedAgentLine =
  | { readonly ok: true; readonly message: AgentMessage }
  | { readonly ok: false; readonly error: string };

/** Parse and validate one stdout line. Never throws. */
export function parseAgentLine(line: string): ParsedAgentLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, error: `not JSON: ${preview(line)}` };
  }
  const result = AgentMessage.safeParse(json);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
  return { ok: false, error: `invalid message${where}: ${issue?.message ?? 'unknown'}: ${preview(line)}` };
}

/** Serialize a runner → agent message as one line. */
export function formatRunnerMessage(message: RunnerMessage): string {
  return `${JSON.stringify(message)}\n`;
}

function preview(line: string): string {
  return line.length > 120 ? `${JSON.stringify(line.slice(0, 120))}…` : JSON.stringify(line);
}
