/**
 * The README, followed by a new user on the packed package: an empty project, `npm install` of the tarball and
 * exactly the README's packages, then every README snippet: typechecked together (one `tsc`), run against the
 * platform fakes where it runs offline, the config files and the script read by the packed CLI's own parsers;
 * plus the published demo and a missing peer. One install for the whole file (about a minute); every test
 * reuses it. The snippets that need an agent (Claude, Codex, an ACP agent) are typechecked here and run against
 * fakes in the repository (test/e2e, test/runner-contract).
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscordServer, FakeSlackServer, FakeTelegramServer } from '../../src/testing/index.js';
import { readmeBlocks, readReadme } from '../readme/readme-snippets.js';
import { hasRedisServer, RedisServerProcess } from '../support/redis-server.js';
import { createPackedProject, type PackedProject, runInProject, startInProject } from './packed-project.js';

const TSX = ['--import', 'tsx'];
/** The README's TypeScript snippets: all typechecked against the packed package. */
const TS_SNIPPETS = [
  'quick-start.ts',
  'claude-can-use-tool.ts',
  'claude-supervise.ts',
  'codex-supervise.ts',
  'acp-supervise.ts',
  'slack-quick-start.ts',
  'discord-quick-start.ts',
  'several-hosts.ts',
  'custom-commands.ts',
  'secret-masking.ts',
  'runner-registry.ts',
  'testing-offline.ts',
];
/** The README's JSON snippets: read by the packed CLI's parsers (the config file's schema, the script's). */
const CONFIG_SNIPPETS = [
  'config-rules.json',
  'config-reminders.json',
  'config-escalation.json',
  'config-secrets.json',
];
const SCRIPT_SNIPPETS = ['script.json'];
/** Packages some snippets import that the README installs apart (see packed-project.ts). */
const LINKED = ['@anthropic-ai/claude-agent-sdk', 'ioredis'];
let project: PackedProject;

beforeAll(async () => {
  project = await createPackedProject();
}, 600_000);

afterAll(() => project?.remove(), 180_000);

describe('the packed package, installed as the README says', () => {
  it('the README names every package a platform needs', () => {
    expect(project.readmePackages).toEqual(
      expect.arrayContaining(['grammy', '@grammyjs/auto-retry', '@slack/web-api', '@discordjs/core']),
    );
  });

  it('covers every README snippet (a new snippet must be added here)', () => {
    const sources = readmeBlocks(readReadme()).flatMap((block) =>
      block.source?.startsWith('examples/')
        ? [block.source.replace(/^examples\//, '').replace(/#.*/, '')]
        : [],
    );
    expect([...new Set(sources)].sort()).toEqual(
      [...TS_SNIPPETS, ...CONFIG_SNIPPETS, ...SCRIPT_SNIPPETS].sort(),
    );
  });

  it('"Testing your own code offline" runs, prints the decision and what the person saw, and exits', async () => {
    project.copy('examples/testing-offline.ts');
    const result = await runInProject(project.dir, [...TSX, 'examples/testing-offline.ts']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('allow');
    expect(result.stdout).toContain('🔐 Permission request: Bash');
    expect(result.stdout).toContain('✅ Allowed — Ann via telegram');
  }, 120_000);

  it('the Quick start talks to Telegram (the fake): both approvals reach the person, Ctrl-C stops it', async () => {
    project.copy('examples/quick-start.ts');
    await using fake = new FakeTelegramServer({ rateLimits: false });
    const apiRoot = await fake.start();
    const groupId = fake.createForumGroup({ title: 'Agents' });
    const me = { id: 123456789, first_name: 'Ann' };
    const child = startInProject(project.dir, [...TSX, 'examples/quick-start.ts'], {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_FORUM_GROUP_ID: String(groupId),
      TELEGRAM_API_ROOT: apiRoot,
    });
    try {
      const topicOf = () => fake.topics(groupId).find((t) => t.name === 'My Agent Task');
      const cardWith = (text: string) =>
        fake
          .topicMessages(groupId, topicOf()?.id)
          .find((m) => m.text.includes(text) && m.buttons.flat().includes('Allow'));
      const first = await fake.waitFor(() => topicOf() && cardWith('rm -rf /tmp/cache'), {
        timeoutMs: 60_000,
      });
      expect(fake.topicMessages(groupId, topicOf()?.id).map((m) => m.text)).toContain(
        'Starting work on your request...',
      );
      await fake.userTaps({ message: first.messageId, button: 'Allow', from: me, chatId: groupId });
      await child.waitForStdout(/req_123 approved by Ann/);
      const second = await fake.waitFor(() => cardWith('npm test'), { timeoutMs: 60_000 });
      await fake.userTaps({ message: second.messageId, button: 'Allow', from: me, chatId: groupId });
      await fake.waitFor(
        () => fake.topicMessages(groupId, topicOf()?.id).some((m) => m.text === 'Running npm test…'),
        { timeoutMs: 60_000 },
      );
      child.kill('SIGINT');
      expect(await child.exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 180_000);

  it('the Slack and Discord snippets reach the person through their fakes; a tap on Allow ends them', async () => {
    project.copy('examples/slack-quick-start.ts');
    project.copy('examples/discord-quick-start.ts');
    await using slack = new FakeSlackServer({ rateLimits: false });
    await slack.start();
    const channel = slack.createChannel({ name: 'agents' });
    const ann = slack.addUser({ id: 'U0ANN', name: 'ann' });
    await using discord = new FakeDiscordServer();
    await discord.start();
    const control = discord.createTextChannel({ name: 'agents' });
    const olivia = { id: '3000000000000000001', username: 'olivia' };
    // Both at once: one wait for the two processes.
    const slackRun = startInProject(project.dir, [...TSX, 'examples/slack-quick-start.ts'], {
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: slack.appToken,
      SLACK_CHANNEL_ID: channel,
      SLACK_USER_ID: ann,
      SLACK_API_URL: slack.apiUrl,
    });
    const discordRun = startInProject(project.dir, [...TSX, 'examples/discord-quick-start.ts'], {
      DISCORD_BOT_TOKEN: discord.token,
      DISCORD_CHANNEL_ID: control,
      DISCORD_USER_ID: olivia.id,
      DISCORD_API_URL: discord.apiUrl,
    });
    try {
      const slackCard = await slack.waitFor(
        () =>
          slack
            .channelMessages(channel)
            .flatMap((parent) => slack.threadMessages(channel, parent.ts))
            .find((m) => m.botPosted && m.buttons.some((b) => b.text === 'Allow')),
        { timeoutMs: 60_000, description: 'the Slack approval card' },
      );
      expect(
        slack
          .channelMessages(channel)
          .map((m) => m.text)
          .join('\n'),
      ).toContain('My Agent Task');
      slack.userClicks({ channel, message: slackCard.ts, user: ann, buttonText: 'Allow' });
      const discordCard = await discord.waitFor(
        () =>
          discord
            .threads(control)
            .flatMap((thread) => discord.channelMessages(thread.id).map((message) => ({ thread, message })))
            .find(({ message }) => message.components.flat().some((b) => b.label === 'Allow')),
        { timeoutMs: 60_000, what: 'the Discord approval card' },
      );
      expect(discordCard.thread.name).toBe('My Agent Task');
      await discord.userClicks({
        channelId: discordCard.thread.id,
        messageId: discordCard.message.id,
        label: 'Allow',
        user: olivia,
      });
      expect(await slackRun.exited).toBe(0);
      expect(await discordRun.exited).toBe(0);
      expect(slackRun.stdout()).toBe('allow\n');
      expect(discordRun.stdout()).toBe('allow\n');
    } finally {
      slackRun.kill('SIGKILL');
      discordRun.kill('SIGKILL');
    }
  }, 180_000);

  it('custom commands and the runner registry snippets run', async () => {
    project.copy('examples/custom-commands.ts');
    project.copy('examples/runner-registry.ts');
    const commands = await runInProject(project.dir, [...TSX, 'examples/custom-commands.ts']);
    expect(commands.stdout.trim()).toBe('Deploying staging…');
    const registry = await runInProject(project.dir, [...TSX, 'examples/runner-registry.ts']);
    expect(registry.code).toBe(0);
    expect(registry.stdout).toContain("'my-runner' ] exit code 0");
  }, 120_000);

  it('`npx agent-tether demo` serves the page and Ctrl-C ends it', async () => {
    const demo = startInProject(project.dir, [
      'node_modules/agent-tether/dist/cli/index.js',
      'demo',
      '--port',
      '0',
      '--no-open',
    ]);
    try {
      await demo.waitForStdout(/http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/);
      const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(demo.stdout())?.[0] as string;
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('agent-tether');
      demo.kill('SIGINT');
      expect(await demo.exited).not.toBeNull();
    } finally {
      demo.kill('SIGKILL');
    }
  }, 120_000);

  it('without @grammyjs/auto-retry, the error is one line naming the package to install', async () => {
    const installed = join(project.dir, 'node_modules/@grammyjs/auto-retry');
    renameSync(installed, `${installed}.away`);
    try {
      project.copy('examples/testing-offline.ts');
      const result = await runInProject(project.dir, [...TSX, 'examples/testing-offline.ts']);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(
        /@grammyjs\/auto-retry is not installed: npm install grammy @grammyjs\/auto-retry/,
      );
    } finally {
      renameSync(`${installed}.away`, installed);
    }
  }, 120_000);

  it('secret masking prints what the README says; the config files and the script are valid', async () => {
    project.copy('examples/secret-masking.ts');
    for (const file of [...CONFIG_SNIPPETS, ...SCRIPT_SNIPPETS]) project.copy(`examples/${file}`);
    // The packed CLI's own readers, as `agent-tether run --config FILE --script FILE` uses them.
    writeFileSync(
      join(project.dir, 'read-examples.mjs'),
      [
        "import { readFileSync } from 'node:fs';",
        "import { readConfigFile } from './node_modules/agent-tether/dist/cli/config-file.js';",
        "import { parseScript } from './node_modules/agent-tether/dist/runner/scripted-schema.js';",
        `for (const file of ${JSON.stringify(CONFIG_SNIPPETS)}) {`,
        '  const read = readConfigFile(`examples/${file}`);',
        '  console.log(file, read.exists ? Object.keys(read.config).join(",") : "missing");',
        '}',
        `for (const file of ${JSON.stringify(SCRIPT_SNIPPETS)})`,
        "  console.log(file, parseScript(JSON.parse(readFileSync(`examples/${file}`, 'utf8'))).length, 'steps');",
        '',
      ].join('\n'),
    );
    const [masking, examples] = await Promise.all([
      runInProject(project.dir, [...TSX, 'examples/secret-masking.ts']),
      runInProject(project.dir, ['read-examples.mjs']),
    ]);
    expect(masking.stderr).toBe('');
    expect(masking.stdout.trim()).toBe(
      'ACME_CRED=‹secret: secret› and ‹secret: Acme key›; docs use AKIAIOSFODNN7EXAMPLE',
    );
    expect(examples.stderr).toBe('');
    expect(examples.stdout.trim().split('\n')).toEqual([
      'config-rules.json platform,rules',
      'config-reminders.json reminders',
      'config-escalation.json escalation',
      'config-secrets.json platform,secrets',
      'script.json 6 steps',
    ]);
  }, 120_000);

  it.skipIf(!hasRedisServer())(
    '"Several machines, one bot" holds the bot through Redis; Ctrl-C gives it up',
    async () => {
      project.copy('examples/several-hosts.ts');
      project.linkFromRepository(LINKED);
      const redis = await new RedisServerProcess().start();
      await using fake = new FakeTelegramServer({ rateLimits: false });
      const apiRoot = await fake.start();
      const groupId = fake.createForumGroup({ title: 'Agents' });
      const host = startInProject(project.dir, [...TSX, 'examples/several-hosts.ts'], {
        REDIS_URL: redis.url,
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_FORUM_GROUP_ID: String(groupId),
        TELEGRAM_API_ROOT: apiRoot,
      });
      try {
        await host.waitForStdout(/is ready; it polls Telegram whenever it holds the lease/);
        // It took the lease and connected the bot (deleteWebhook comes just before its first long poll; the fake
        // records a call once answered, a long poll after its 30 s).
        await fake.waitFor(() => fake.calls.some((call) => call.method === 'deleteWebhook') || undefined, {
          timeoutMs: 60_000,
        });
        host.kill('SIGINT');
        expect(await host.exited).toBe(0);
        expect(host.stderr()).toBe('');
      } finally {
        host.kill('SIGKILL');
        await redis.dispose();
      }
    },
    120_000,
  );

  it('every TypeScript snippet typechecks against the published types, in one tsc', async () => {
    for (const file of TS_SNIPPETS) project.copy(`examples/${file}`);
    project.linkFromRepository(LINKED);
    const tsconfig = (skipLibCheck: boolean, include: readonly string[]) =>
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck,
          noEmit: true,
          types: ['node'],
        },
        include: include.map((file) => `examples/${file}`),
      });
    const tsc = () => runInProject(project.dir, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
    writeFileSync(join(project.dir, 'tsconfig.json'), tsconfig(true, TS_SNIPPETS));
    const result = await tsc();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
    // With skipLibCheck: false, agent-tether's own declarations (testing, telegram, the core) need nothing more
    // than the README's packages. (grammY's declare `node-fetch` without its types: grammY's to fix.)
    writeFileSync(
      join(project.dir, 'tsconfig.json'),
      tsconfig(false, ['quick-start.ts', 'testing-offline.ts']),
    );
    const strict = await tsc();
    const ours = strict.stdout.split('\n').filter((line) => line.startsWith('node_modules/agent-tether/'));
    expect(ours).toEqual([]);
  }, 180_000);
});
