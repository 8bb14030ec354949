/**
 * The part of the `codex app-server` protocol (JSON-RPC over stdio, one JSON object per line, no `"jsonrpc"`
 * field) that {@link CodexRunner} uses.
 *
 * Generated from Codex 0.169.0 with `codex app-server generate-ts --out DIR` (files `ClientRequest.ts`,
 * `ServerRequest.ts`, `ServerNotification.ts`, `v2/*`), then trimmed to the messages and fields used here.
 * Fields we never read are left out; unions we only partly handle keep an open member.
 * @module
 */

/** `RequestId.ts` */
export type RequestId = string | number;

/** `ClientInfo.ts` */
export type ClientInfo = { name: string; title: string | null; version: string };

/** `InitializeParams.ts` (capabilities trimmed to `experimentalApi`). */
export type InitializeParams = { clientInfo: ClientInfo; capabilities: { experimentalApi: boolean } | null };

/** `InitializeResponse.ts` */
export type InitializeResponse = {
  userAgent: string;
  codexHome: string;
  platformFamily: string;
  platformOs: string;
};

/** `v2/AskForApproval.ts` (the `granular` form is not used). */
export type AskForApproval = 'untrusted' | 'on-request' | 'never';

/** `v2/SandboxMode.ts` */
export type SandboxMode = 'read-only' | 'workspace-write' | 'danger-full-access';

/** `v2/SandboxPolicy.ts`, trimmed to its tag. */
export type SandboxPolicy = { type: 'dangerFullAccess' | 'readOnly' | 'externalSandbox' | 'workspaceWrite' };

/** `v2/ThreadStartParams.ts`, trimmed. */
export type ThreadStartParams = {
  model?: string | null;
  cwd?: string | null;
  approvalPolicy?: AskForApproval | null;
  sandbox?: SandboxMode | null;
  ephemeral?: boolean | null;
};

/** `v2/ThreadStartResponse.ts`, trimmed. */
export type ThreadStartResponse = {
  thread: { id: string };
  model: string;
  modelProvider: string;
  cwd: string;
  approvalPolicy: AskForApproval | Record<string, unknown>;
  sandbox: SandboxPolicy;
};

/** `v2/UserInput.ts`, the text member. */
export type UserInput = { type: 'text'; text: string; text_elements: [] };

/** `v2/TurnStartParams.ts`, trimmed. */
export type TurnStartParams = {
  threadId: string;
  input: UserInput[];
  approvalPolicy?: AskForApproval | null;
};

/** `v2/TurnSteerParams.ts` */
export type TurnSteerParams = { threadId: string; input: UserInput[]; expectedTurnId: string };

/** `v2/TurnInterruptParams.ts` */
export type TurnInterruptParams = { threadId: string; turnId: string };

/** `v2/TurnStatus.ts` */
export type TurnStatus = 'completed' | 'interrupted' | 'failed' | 'inProgress';

/** `v2/TurnError.ts`, trimmed. */
export type TurnError = { message: string; additionalDetails: string | null };

/** `v2/Turn.ts`, trimmed. */
export type Turn = { id: string; status: TurnStatus; error: TurnError | null; durationMs: number | null };

/** `v2/CommandAction.ts`, trimmed to the field shown. */
export type CommandAction = { type: string; command: string };

/** `v2/PatchChangeKind.ts` */
export type PatchChangeKind =
  | { type: 'add' }
  | { type: 'delete' }
  | { type: 'update'; move_path: string | null };

/** `v2/FileUpdateChange.ts` */
export type FileUpdateChange = { path: string; kind: PatchChangeKind; diff: string };

/** `v2/ThreadItem.ts`, the members the runner shows; the others keep only their tag. */
export type ThreadItem =
  | { type: 'agentMessage'; id: string; text: string }
  | {
      type: 'commandExecution';
      id: string;
      command: string;
      cwd: string;
      commandActions: CommandAction[];
      status: 'inProgress' | 'completed' | 'failed' | 'declined';
      exitCode: number | null;
    }
  | {
      type: 'fileChange';
      id: string;
      changes: FileUpdateChange[];
      status: 'inProgress' | 'completed' | 'failed' | 'declined';
    }
  | { type: 'mcpToolCall'; id: string; server: string; tool: string }
  | { type: 'plan'; id: string; text: string }
  | { type: 'webSearch'; id: string; query: string }
  | {
      type:
        | 'userMessage'
        | 'hookPrompt'
        | 'functionCallOutput'
        | 'reasoning'
        | 'dynamicToolCall'
        | 'collabAgentToolCall'
        | 'subAgentActivity'
        | 'imageView'
        | 'imageGeneration'
        | 'enteredReviewMode'
        | 'exitedReviewMode'
        | 'contextCompaction'
        | 'sleep';
      id: string;
    };

/** `v2/TokenUsageBreakdown.ts` */
export type TokenUsageBreakdown = {
  totalTokens: number;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteInputTokens: number;
  outputTokens: number;
  reasoningOutputTokens: number;
};

/** `v2/ThreadTokenUsage.ts` */
export type ThreadTokenUsage = {
  total: TokenUsageBreakdown;
  last: TokenUsageBreakdown;
  modelContextWindow: number | null;
};

/** `ServerNotification.ts`: the notifications the runner reads. */
export type ServerNotification =
  | { method: 'turn/started'; params: { threadId: string; turn: Turn } }
  | { method: 'turn/completed'; params: { threadId: string; turn: Turn } }
  | { method: 'item/started'; params: { item: ThreadItem; threadId: string; turnId: string } }
  | { method: 'item/completed'; params: { item: ThreadItem; threadId: string; turnId: string } }
  | {
      method: 'thread/tokenUsage/updated';
      params: { threadId: string; turnId: string; tokenUsage: ThreadTokenUsage };
    }
  | {
      method: 'error';
      params: { error: TurnError; willRetry: boolean; threadId: string; turnId: string };
    }
  | { method: 'serverRequest/resolved'; params: { threadId: string; requestId: RequestId } };

/** `v2/CommandExecutionRequestApprovalParams.ts`, trimmed. */
export type CommandExecutionRequestApprovalParams = {
  threadId: string;
  turnId: string;
  itemId: string;
  approvalId?: string | null;
  reason?: string | null;
  command?: string | null;
  cwd?: string | null;
  commandActions?: CommandAction[] | null;
};

/** `v2/CommandExecutionApprovalDecision.ts`, the plain decisions. */
export type CommandExecutionApprovalDecision = 'accept' | 'acceptForSession' | 'decline' | 'cancel';

/** `v2/FileChangeRequestApprovalParams.ts` */
export type FileChangeRequestApprovalParams = {
  threadId: string;
  turnId: string;
  itemId: string;
  reason?: string | null;
  grantRoot?: string | null;
};

/** `v2/FileChangeApprovalDecision.ts` */
export type FileChangeApprovalDecision = 'accept' | 'acceptForSession' | 'decline' | 'cancel';

/** `ServerRequest.ts`: the requests the runner answers; every other method gets a JSON-RPC error. */
export type ServerRequest =
  | {
      method: 'item/commandExecution/requestApproval';
      id: RequestId;
      params: CommandExecutionRequestApprovalParams;
    }
  | { method: 'item/fileChange/requestApproval'; id: RequestId; params: FileChangeRequestApprovalParams };
