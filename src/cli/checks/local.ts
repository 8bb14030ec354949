/**
 * `doctor`'s local checks: the config file (valid, private), the store directory, the Claude Agent SDK, the
 * Codex CLI.
 * @module
 */
import { defaultDataDir, prepareDataDir } from '../../core/store/data-dir.js';
import { findCodex } from '../../runner/codex/find-codex.js';
import type { LoadedConfigFile } from '../config-file.js';
import { type CheckLine, failed, messageOf, note, passed } from './check-line.js';
import { CLAUDE_CREDENTIALS_FIX, findClaudeCredentials } from './claude-credentials.js';

/** The config file's lines: where it is, and whether others can read it. */
export function checkConfigFile(file: LoadedConfigFile): CheckLine[] {
  if (!file.exists) {
    return [
      note(
        `No config file at ${file.path}: settings come from the environment (\`agent-tether init\` writes one)`,
      ),
    ];
  }
  const lines = [passed(`Config file ${file.path}: valid`)];
  if (file.mode !== undefined && (file.mode & 0o077) !== 0) {
    lines.push(
      failed(
        `Config file ${file.path} can be read by other users (mode ${file.mode.toString(8)}): it holds tokens, run \`chmod 600 ${file.path}\``,
      ),
    );
  }
  return lines;
}

/** The store directory's line: it exists (created 0700 if needed) and is writable. */
export function checkStoreDirectory(dataDir: string | undefined, env: NodeJS.ProcessEnv): CheckLine {
  const directory = dataDir ?? defaultDataDir(env);
  try {
    prepareDataDir(directory);
    return passed(`Store directory ${directory}: writable`);
  } catch (error) {
    return failed(messageOf(error));
  }
}

/**
 * Whether the claude runner can load its SDK (a note, not a failure: other runners do without it), and when it
 * can, whether Claude Code has credentials (a failure: `run --runner claude` would fail to log in).
 */
export function checkClaudeSdk(env: NodeJS.ProcessEnv = process.env): CheckLine[] {
  try {
    import.meta.resolve('@anthropic-ai/claude-agent-sdk');
  } catch {
    return [
      note(
        'Claude Agent SDK: not installed; `run --runner claude` needs it: npm install @anthropic-ai/claude-agent-sdk',
      ),
    ];
  }
  const sdk = passed('Claude Agent SDK: installed');
  const credentials = findClaudeCredentials(env);
  switch (credentials.status) {
    case 'found':
      return [sdk, passed(`Claude credentials: ${credentials.source} (\`run --runner claude\` can log in)`)];
    case 'unknown':
      return [
        sdk,
        note(
          `Claude credentials: none in the environment (${credentials.why}); if runs fail to log in, ${CLAUDE_CREDENTIALS_FIX}`,
        ),
      ];
    case 'missing':
      return [
        sdk,
        failed(
          `Claude credentials: none found, so \`run --runner claude\` cannot log in: ${CLAUDE_CREDENTIALS_FIX}`,
        ),
      ];
    default: {
      const never: never = credentials;
      return [failed(`Claude credentials: ${String(never)}`)];
    }
  }
}

/** Whether the codex runner can find the Codex CLI (a note, not a failure: other runners do without it). */
export function checkCodex(env: NodeJS.ProcessEnv): CheckLine {
  try {
    return passed(`Codex CLI: ${findCodex(undefined, env)} (\`run --runner codex\` works)`);
  } catch {
    return note('Codex CLI: not installed; `run --runner codex` needs it: npm install @openai/codex');
  }
}
