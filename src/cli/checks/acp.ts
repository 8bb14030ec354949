/**
 * `doctor`'s ACP line: start the configured ACP agent command, `initialize` it, and report what answered.
 * @module
 */
import { spawn } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { client, methods, ndJsonStream, PROTOCOL_VERSION } from '@agentclientprotocol/sdk';
import { splitCommandLine } from '../../runner/acp/acp-runner.js';
import { mergedAgentEnvironment } from '../../runner/agent-environment.js';
import { type CheckLine, failed, messageOf, passed } from './check-line.js';

/**
 * Whether `commandLine` (e.g. `gemini --acp`) starts and answers ACP's `initialize`.
 * @param timeoutMs - How long the agent may take to answer. @defaultValue 30000
 */
export async function checkAcpCommand(commandLine: string, timeoutMs = 30_000): Promise<CheckLine> {
  const [command, ...args] = splitCommandLine(commandLine);
  if (command === undefined)
    return failed('ACP agent: --agent-cmd is empty; give the command, e.g. --agent-cmd "gemini --acp"');
  const child = spawn(command, args, { env: mergedAgentEnvironment(), stdio: ['pipe', 'pipe', 'ignore'] });
  child.stdin.on('error', () => undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const started = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    await started;
    const connection = client({ name: 'agent-tether doctor' }).connect(
      ndJsonStream(
        Writable.toWeb(child.stdin) as WritableStream<Uint8Array>,
        Readable.toWeb(child.stdout) as ReadableStream<Uint8Array>,
      ),
    );
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer to initialize within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
    });
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) =>
        reject(new Error(`it exited with code ${code ?? 'unknown'} before answering`)),
      ),
    );
    const init = await Promise.race([
      connection.agent.request(methods.agent.initialize, {
        protocolVersion: PROTOCOL_VERSION,
        clientCapabilities: { fs: { readTextFile: false, writeTextFile: false }, terminal: false },
        clientInfo: { name: 'agent-tether', version: '1' },
      }),
      timeout,
      exited,
    ]);
    connection.close();
    const info = init.agentInfo;
    const name = info ? `${info.title ?? info.name} ${info.version}` : 'an ACP agent';
    return passed(`ACP agent \`${commandLine}\`: ${name} answered (\`run --runner acp\` works)`);
  } catch (error) {
    return failed(
      `ACP agent \`${commandLine}\`: ${messageOf(error)}. Check that it is installed and speaks ACP over stdio (e.g. gemini --acp, opencode acp)`,
    );
  } finally {
    clearTimeout(timer);
    child.kill('SIGKILL');
  }
}
