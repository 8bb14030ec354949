/**
 * Generated credentials (never real ones: random characters in each format's shape) and a realistic corpus of
 * agent output (prose, code blocks, logs, JSON, tables) full of look-alikes that must stay: hashes, UUIDs,
 * base64 images, integrity strings, long identifiers, token counts. Deterministic for a seed.
 * @module
 */

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B64URL = `${ALNUM}_-`;
const B64 = `${ALNUM}+/`;
const UPPER_NUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HEX = '0123456789abcdef';

/** One generated secret: `secret` is what must never be visible; `text` shows it the way an agent would print it. */
export interface SecretSample {
  readonly format: string;
  /** The label the mask should carry. */
  readonly label: string;
  readonly secret: string;
  readonly text: string;
}

/** A sample of every supported format, in context. */
export function secretSamples(seed = 1): SecretSample[] {
  const r = prng(seed);
  const s = (n: number, chars = ALNUM) => {
    let out = '';
    for (let i = 0; i < n; i++) out += chars[Math.floor(r() * chars.length)];
    return out;
  };
  const github = `ghp_${s(36)}`;
  const pat = `github_pat_${s(22)}_${s(59)}`;
  const gitlab = `glpat-${s(20, B64URL)}`;
  const slack = `xoxb-${s(12, '0123456789')}-${s(13, '0123456789')}-${s(24)}`;
  const slackApp = `xapp-1-A${s(10)}-${s(13, '0123456789')}-${s(64, HEX)}`;
  const discord = `M${s(25, B64URL)}.${s(6, B64URL)}.${s(38, B64URL)}`;
  const telegram = `${s(10, '123456789')}:AA${s(33, B64URL)}`;
  const aws = `AKIA${s(16, UPPER_NUM)}`;
  const awsSecret = s(40, B64);
  const google = `AIza${s(35, B64URL)}`;
  const gcpSecret = `GOCSPX-${s(28, B64URL)}`;
  const azure = `${s(3)}8Q~${s(34, `${ALNUM}_~.-`)}`;
  const azureKey = `${s(86, B64)}==`;
  const openai = `sk-proj-${s(74, B64URL)}T3BlbkFJ${s(74, B64URL)}`;
  const anthropic = `sk-ant-api03-${s(93, B64URL)}AA`;
  const npm = `npm_${s(36)}`;
  const jwt = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ${s(60, B64URL)}.${s(43, B64URL)}`;
  const pemBody = [s(64, B64), s(64, B64), s(64, B64), `${s(40, B64)}==`];
  const urlPassword = s(16);
  const envToken = s(32);
  const dbPassword = `${s(12)}!${s(4)}`;
  const clientSecret = s(40, B64URL);
  const bearer = s(48, B64URL);
  const cookie = `session=${s(32, HEX)}; csrftoken=${s(32)}`;
  const stripe = `sk_live_${s(24)}`;
  return [
    { format: 'github', label: 'GitHub token', secret: github.slice(4), text: `GITHUB_TOKEN=${github}` },
    { format: 'github-pat', label: 'GitHub token', secret: pat.slice(11), text: `token: ${pat}` },
    {
      format: 'gitlab',
      label: 'GitLab token',
      secret: gitlab.slice(6),
      text: `git clone with ${gitlab} done`,
    },
    { format: 'slack', label: 'Slack token', secret: slack.slice(5), text: `SLACK_BOT_TOKEN=${slack}` },
    {
      format: 'slack-app',
      label: 'Slack app token',
      secret: slackApp.slice(5),
      text: `app token ${slackApp}`,
    },
    { format: 'discord', label: 'Discord bot token', secret: discord, text: `client.login("${discord}")` },
    {
      format: 'telegram',
      label: 'Telegram bot token',
      secret: telegram.split(':')[1] ?? '',
      text: `curl https://api.telegram.org/bot${telegram}/getMe`,
    },
    { format: 'aws', label: 'AWS access key ID', secret: aws.slice(4), text: `aws_access_key_id = ${aws}` },
    {
      format: 'aws-secret',
      label: 'key',
      secret: awsSecret,
      text: `AWS_SECRET_ACCESS_KEY=${awsSecret}`,
    },
    { format: 'google', label: 'Google API key', secret: google.slice(4), text: `maps?key=${google}&q=x` },
    {
      format: 'gcp-oauth',
      label: 'Google OAuth client secret',
      secret: gcpSecret.slice(7),
      text: `{"client_id": "1234.apps.googleusercontent.com", "client_secret": "${gcpSecret}"}`,
    },
    { format: 'azure', label: 'Azure client secret', secret: azure, text: `az login --password ${azure}` },
    {
      format: 'azure-storage',
      label: 'key',
      secret: azureKey,
      text: `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${azureKey};EndpointSuffix=core.windows.net`,
    },
    {
      format: 'openai',
      label: 'OpenAI API key',
      secret: openai.slice(3),
      text: `export OPENAI_API_KEY="${openai}"`,
    },
    {
      format: 'anthropic',
      label: 'Anthropic API key',
      secret: anthropic.slice(7),
      text: `ANTHROPIC_API_KEY=${anthropic}`,
    },
    {
      format: 'npm',
      label: 'npm token',
      secret: npm.slice(4),
      text: `//registry.npmjs.org/:_authToken=${npm}`,
    },
    { format: 'jwt', label: 'JWT', secret: jwt, text: `{"id_token":"${jwt}","expires_in":3600}` },
    {
      format: 'pem',
      label: 'private key',
      secret: pemBody.join('\n'),
      text: `-----BEGIN RSA PRIVATE KEY-----\n${pemBody.join('\n')}\n-----END RSA PRIVATE KEY-----`,
    },
    {
      format: 'url-password',
      label: 'password in URL',
      secret: urlPassword,
      text: `origin\thttps://alice:${urlPassword}@git.example.com/acme/app.git (fetch)`,
    },
    { format: 'env-token', label: 'token', secret: envToken, text: `DEPLOY_TOKEN=${envToken}` },
    { format: 'env-password', label: 'password', secret: dbPassword, text: `DB_PASSWORD='${dbPassword}'` },
    {
      format: 'json-secret',
      label: 'secret',
      secret: clientSecret,
      text: `"webhook_secret": "${clientSecret}",`,
    },
    {
      format: 'bearer',
      label: 'credential',
      secret: bearer,
      text: `curl -H "Authorization: Bearer ${bearer}" https://api.example.com/v1/me`,
    },
    { format: 'cookie', label: 'cookie', secret: cookie, text: `Cookie: ${cookie}` },
    {
      format: 'stripe',
      label: 'Stripe secret key',
      secret: stripe.slice(8),
      text: `stripe.api_key = "${stripe}"`,
    },
  ];
}

const WORDS =
  'the a an to of and in for with on build test tests passed failed error module import export config server client request response file path line column name id hash commit branch merge update install package version function return value secret token key password session cookie auth header public primary sort cache next page'.split(
    ' ',
  );

/** Look-alikes that are not secrets, as agents print them. */
export function lookAlikes(r: () => number): string[] {
  const s = (n: number, chars = ALNUM) => {
    let out = '';
    for (let i = 0; i < n; i++) out += chars[Math.floor(r() * chars.length)];
    return out;
  };
  const uuid = () => `${s(8, HEX)}-${s(4, HEX)}-4${s(3, HEX)}-a${s(3, HEX)}-${s(12, HEX)}`;
  return [
    `commit ${s(40, HEX)}`,
    `sha256:${s(64, HEX)}`,
    `"integrity": "sha512-${s(86, B64)}=="`,
    `request_id=${uuid()}`,
    `"id": "${uuid()}"`,
    `![chart](data:image/png;base64,${s(400, B64)}=)`,
    `const veryLongDescriptiveIdentifierNameForTheConfigurationLoader = createLoader();`,
    `"input_tokens": ${Math.floor(r() * 9000)}, "output_tokens": ${Math.floor(r() * 900)}`,
    `max_tokens: 4096`,
    `"primary_key": "id", "sort_key": "created_at"`,
    `"key": "Enter"`,
    `password: string;`,
    `const token = await getToken(config);`,
    `token = process.env.GITHUB_TOKEN`,
    `if (token == null) throw new Error('no token: set GITHUB_TOKEN')`,
    `headers: { Authorization: \`Bearer \${token}\` }`,
    `DATABASE_URL=postgres://app@localhost:5432/app`,
    `See https://docs.example.com:8443/guide#install-step-3`,
    `12:30:45 INFO ready in 1234ms`,
    `git log --oneline ${s(7, HEX)}..${s(7, HEX)}`,
    `The secret: keep it simple.`,
    `token_type: "Bearer"`,
    `export PATH="$HOME/.local/bin:$PATH"`,
    `next_token=${s(24)}`,
    `apiKey: string | undefined`,
    `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${s(43, B64)} me@laptop`,
    `-----BEGIN CERTIFICATE-----\n${s(64, B64)}\n-----END CERTIFICATE-----`,
    `docker pull ghcr.io/acme/app@sha256:${s(64, HEX)}`,
    `src/components/${s(12)}/index.tsx`,
  ];
}

function prose(r: () => number, n: number): string {
  let out = '';
  while (out.length < n) out += `${WORDS[Math.floor(r() * WORDS.length)]}${r() < 0.1 ? '. ' : ' '}`;
  return out;
}

/**
 * A realistic agent-output corpus: `count` documents of 1–100 KB mixing prose, fenced code, logs, JSON and
 * tables, sprinkled with {@link lookAlikes}; no secrets.
 */
export function agentOutputCorpus(seed = 7, count = 60): string[] {
  const r = prng(seed);
  const docs: string[] = [];
  for (let d = 0; d < count; d++) {
    const size = 1000 + Math.floor(r() ** 2 * 99_000);
    let doc = '';
    while (doc.length < size) {
      const k = r();
      if (k < 0.25) doc += `${prose(r, 200 + r() * 400)}\n\n`;
      else if (k < 0.45) {
        doc += [
          '```ts',
          `import { ${WORDS[Math.floor(r() * WORDS.length)]} } from './module.js';`,
          'export async function load(path: string): Promise<Config> {',
          '  const text = await readFile(path, "utf8");',
          '  for (let i = 0; i < items.length; i++) total += items[i].size;',
          '  return { ...defaults, ...JSON.parse(text) };',
          '}',
          '```',
          '',
        ].join('\n');
      } else if (k < 0.6) {
        doc += `2026-12-02T06:${String(Math.floor(r() * 60)).padStart(2, '0')}:00.000Z INFO GET /api/v1/items?page=${Math.floor(r() * 9)} 200 ${Math.floor(r() * 300)}ms\n`;
      } else if (k < 0.75) {
        doc += `${JSON.stringify({ name: 'agent-tether', version: '0.1.0', scripts: { test: 'vitest run' }, count: Math.floor(r() * 100) }, null, 2)}\n`;
      } else if (k < 0.85) {
        doc +=
          '| file | lines | status |\n|---|--:|---|\n| src/a.ts | 120 | ok |\n| src/b.ts | 87 | changed |\n\n';
      } else {
        const all = lookAlikes(r);
        doc += `${all[Math.floor(r() * all.length)]}\n`;
      }
    }
    docs.push(doc);
  }
  return docs;
}
