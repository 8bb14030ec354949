/**
 * `agent-tether/runner`: the Runner protocol, the registry and the built-in runners.
 * Importing this module does not load the Claude Agent SDK; `ClaudeRunner` loads it when a session starts.
 * `CodexRunner` looks for the Codex CLI (`@openai/codex`) when a session starts; `AcpRunner` uses the ACP SDK.
 * @module
 */

export { type AcpAnswer, acpAnswerFor, cardInputOf, formatPlan, toolNameOf } from './acp/acp-mapping.js';
export { AcpRunner, type AcpRunnerOptions, splitCommandLine } from './acp/acp-runner.js';
export { type TetherCanUseToolOptions, tetherCanUseTool } from './claude/can-use-tool.js';
export { ClaudeRunner, type ClaudeRunnerOptions } from './claude/claude-runner.js';
export { CLAUDE_AGENT_SDK, type ClaudeAgentSdk, loadClaudeAgentSdk } from './claude/load-sdk.js';
export {
  denyMessage,
  type PermissionResultOptions,
  permissionResultFor,
  questionResultFor,
  questionsOf,
} from './claude/permission-result.js';
export { type CodexPolicy, codexPolicyFor, unifiedDiff } from './codex/approval-mapping.js';
export { CodexRunner, type CodexRunnerOptions, codexEnvironment } from './codex/codex-runner.js';
export { CODEX_PACKAGE, findCodex } from './codex/find-codex.js';
export {
  createAcpRunner,
  createClaudeRunner,
  createCodexRunner,
  createDefaultRunnerRegistry,
  createScriptedRunner,
  type DefaultRunnerRegistryOptions,
} from './default-registry.js';
export { RunnerUnavailableError, UnknownRunnerError, UnknownSessionError } from './errors.js';
export { NO_ANSWER_MESSAGE } from './pending-answers.js';
export { RunnerRegistry, type RunnerRegistryOptions } from './registry.js';
export { ScriptedRunner, type ScriptedRunnerOptions } from './scripted.js';
export { demoScript, type ScriptChoice, type ScriptPermission, type ScriptStep } from './scripted-script.js';
export { createSubprocessRunner, SubprocessRunner, type SubprocessRunnerOptions } from './subprocess.js';
export {
  AgentMessage,
  formatRunnerMessage,
  type ParsedAgentLine,
  parseAgentLine,
  type RunnerMessage,
} from './subprocess-protocol.js';
export { type SessionInfo, SessionSubscriber, type SessionSubscriberOptions } from './subscriber.js';
export {
  type SupervisedSession,
  type SuperviseOptions,
  supervise,
  threadNameFromPrompt,
} from './supervise.js';
export {
  type ApprovalChoice,
  ApprovalChoices,
  type OutputOptions,
  type OutputStream,
  type PermissionRequestKind,
  type PermissionResolvedBy,
  permissionModeName,
  type Runner,
  type RunnerEvents,
  type RunnerFactory,
  type RunnerHeader,
  type RunnerPermissionRequest,
  type RunnerQuestion,
} from './types.js';
