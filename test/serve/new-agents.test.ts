/**
 * `/new <project> --runner acp|codex <prompt>` in General under `agent-tether serve`: the session starts in its
 * own topic with the agent runners, and approvals come back to it. ACP uses the SDK-built test agent (its
 * command from the registry's defaults, as `serve.agentCmd` configures it); Codex the real binary against
 * FakeOpenAIServer.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultRunnerRegistry } from '../../src/runner/default-registry.js';
import { FakeOpenAIServer } from '../../src/testing/fake-openai.js';
import { codexBinary } from '../support/codex-binary.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';
import { botMessages, say, tap } from '../telegram/telegram-world.js';
import { type ServeWorld, startServeWorld } from './serve-world.js';

const ACP_TEST_AGENT = join(import.meta.dirname, '../support/acp-test-agent.mjs');
let world: ServeWorld | undefined;
let model: FakeOpenAIServer | undefined;
const w = () => (world as ServeWorld).tg;
afterEach(async () => {
  await world?.cleanup();
  await model?.close();
  world = undefined;
  model = undefined;
});

/** The topic whose name starts with `prefix`, once it exists. */
function topicNamed(w: ServeWorld, prefix: string) {
  return w.tg.fake.waitFor(() => w.tg.fake.topics(w.tg.chatId).find((t) => t.name.startsWith(prefix)), {
    what: `a topic named ${prefix}…`,
    timeoutMs: REAL_PROCESS_WAIT_MS,
  });
}

describe('serve: /new with the agent runners', () => {
  it("--runner acp starts the configured ACP agent; its card shows the agent's options", async () => {
    const project = join(process.env.TMPDIR ?? '/tmp', `tether-new-acp-${process.pid}-${Date.now()}`);
    mkdirSync(project, { recursive: true });
    world = await startServeWorld(
      {},
      {
        serve: {
          projects: { demo: project },
          registry: createDefaultRunnerRegistry({
            defaults: { acp: { command: `"${process.execPath}" "${ACP_TEST_AGENT}"`, oneShot: true } },
          }),
        },
      },
    );
    say(world.tg, undefined, '/new demo --runner acp ask');
    const topic = await topicNamed(world, 'demo:');
    const threadId = String(topic.id);
    const card = await world.tg.fake.waitFor(
      () => botMessages(w(), threadId).find((m) => m.buttons.flat().includes('Allow for this session')),
      { what: "the card with the agent's options", timeoutMs: REAL_PROCESS_WAIT_MS },
    );
    expect(card.buttons.slice(0, 2)).toEqual([
      ['Allow', 'Allow for this session'],
      ['Reject', 'Never'],
    ]);
    await tap(world.tg, threadId, 'Allow for this session');
    await world.tg.fake.waitFor(
      () =>
        botMessages(world?.tg as NonNullable<typeof world>['tg'], threadId).some((m) =>
          m.text.includes('Selected: allow-always'),
        ) || undefined,
      { what: "the agent's answer", timeoutMs: REAL_PROCESS_WAIT_MS },
    );
  });

  it.skipIf(codexBinary() === undefined)(
    '--runner codex starts Codex in the project; Allow runs the command',
    async () => {
      const project = join(process.env.TMPDIR ?? '/tmp', `tether-new-codex-${process.pid}-${Date.now()}`);
      mkdirSync(project, { recursive: true });
      model = await FakeOpenAIServer.start({
        toolCall: { arguments: { cmd: 'echo hi > hi.txt' } },
        finalText: 'Done here.',
      });
      const env = model.codexEnvironment(join(project, '..', `codex-${process.pid}-${Date.now()}`));
      world = await startServeWorld(
        {},
        {
          serve: {
            projects: { demo: project },
            registry: createDefaultRunnerRegistry({
              defaults: { codex: { env, oneShot: true } },
            }),
          },
        },
      );
      say(world.tg, undefined, '/new demo --runner codex write hi');
      const topic = await topicNamed(world, 'demo:');
      await world.tg.fake.waitFor(
        () => botMessages(w(), String(topic.id)).some((m) => m.buttons.flat().includes('Allow')) || undefined,
        { what: 'the card', timeoutMs: REAL_PROCESS_WAIT_MS },
      );
      await tap(world.tg, String(topic.id), 'Allow');
      await world.tg.fake.waitFor(() => existsSync(join(project, 'hi.txt')) || undefined, {
        what: 'the command to run',
        timeoutMs: REAL_PROCESS_WAIT_MS,
      });
    },
    60_000,
  );
});
