/** Whether the real Codex CLI (`@openai/codex` with its native platform package) is installed. */
import { findCodex } from '../../src/runner/codex/find-codex.js';

/** Path of the Codex binary, if installed. */
export function codexBinary(): string | undefined {
  try {
    return findCodex();
  } catch {
    return undefined;
  }
}
