import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agentOutputCorpus, lookAlikes, prng, secretSamples } from '../../../test/support/secret-corpus.js';
import { ConfigError } from '../errors.js';
import { MaskBook, SecretMasker } from './masker.js';

const masker = new SecretMasker();

describe('SecretMasker: what is masked', () => {
  it.each(secretSamples(1).map((s) => [s.format, s] as const))(
    'masks a generated %s secret',
    (_format, sample) => {
      const masked = masker.mask(sample.text, new MaskBook());
      expect(masked).not.toContain(sample.secret);
      expect(masked).toContain(`‹secret: ${sample.label}`);
    },
  );

  it('masks every format for other seeds too (no sample passes by luck)', () => {
    for (let seed = 2; seed < 40; seed++) {
      for (const sample of secretSamples(seed)) {
        expect(masker.mask(sample.text), `${sample.format} seed ${seed}`).not.toContain(sample.secret);
      }
    }
  });

  it('keeps the public prefix and says how many characters are shown', () => {
    const [github] = secretSamples(3);
    expect(masker.mask(github?.text ?? '')).toBe('GITHUB_TOKEN=ghp_‹secret: GitHub token, 4 chars shown›');
  });

  it('a URL password holding "@" is masked whole (URLs split user info at the last "@")', () => {
    const url = 'mysql://root:p@ssw0rd!2024@db.internal:3306/app';
    expect(new URL(url).hostname).toBe('db.internal');
    const out = masker.mask(`connect to ${url} now`);
    expect(out).toBe('connect to mysql://root:‹secret: password in URL›@db.internal:3306/app now');
    // An address without user info, and an e-mail address further on, are left alone.
    expect(masker.mask('see https://example.com/a and mail me@example.com')).toBe(
      'see https://example.com/a and mail me@example.com',
    );
  });

  it('a .env file and a curl line: every value masked, names and the command kept', () => {
    const r = prng(9);
    const v = () =>
      Array.from({ length: 24 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(r() * 36)]).join('');
    const [a, b, c, d] = [v(), v(), v(), v()];
    const env = `NODE_ENV=production\nAPI_KEY=${a}\nSESSION_SECRET="${b}"\nexport DB_PASS=${c}\nPORT=8080\n`;
    const curl = `curl -s -H 'Authorization: Bearer ${d}' -H 'Accept: application/json' https://api.example.com`;
    const out = masker.mask(env + curl);
    for (const secret of [a, b, c, d]) expect(out).not.toContain(secret);
    expect(out).toContain('NODE_ENV=production');
    expect(out).toContain('PORT=8080');
    expect(out).toContain("-H 'Accept: application/json' https://api.example.com");
    expect(out).toContain('Authorization: Bearer ‹secret: credential›');
  });
});

describe('SecretMasker: what is left alone', () => {
  it('look-alikes (hashes, UUIDs, base64 images, identifiers, token counts) stay: 0 of 2,900 lines masked', () => {
    let masked = 0;
    let lines = 0;
    for (let seed = 0; seed < 100; seed++) {
      for (const line of lookAlikes(prng(seed))) {
        lines++;
        if (masker.mask(line) !== line) masked++;
      }
    }
    // The stated false-positive rate: at most 1 look-alike line in 1,000 (measured: 0).
    expect(lines).toBe(2900);
    expect(masked / lines).toBeLessThanOrEqual(0.001);
  });

  it('a realistic 2 MB agent-output corpus without secrets is returned unchanged', () => {
    for (const doc of agentOutputCorpus(7, 30)) expect(masker.find(doc)).toEqual([]);
  });
});

describe('SecretMasker: masks within a thread', () => {
  it('the same secret gets the same mask; a second one of the kind is numbered', () => {
    const [one] = secretSamples(4);
    const [two] = secretSamples(5);
    const book = new MaskBook();
    const first = masker.mask(`${one?.text} and again ${one?.text}`, book);
    expect(first).toBe(
      'GITHUB_TOKEN=ghp_‹secret: GitHub token, 4 chars shown› and again GITHUB_TOKEN=ghp_‹secret: GitHub token, 4 chars shown›',
    );
    expect(masker.mask(two?.text ?? '', book)).toBe(
      'GITHUB_TOKEN=ghp_‹secret: GitHub token #2, 4 chars shown›',
    );
    expect(masker.mask(one?.text ?? '', book)).toBe('GITHUB_TOKEN=ghp_‹secret: GitHub token, 4 chars shown›');
  });

  it('masking is idempotent: a masked text is left as it is', () => {
    const pieces = [
      ...secretSamples(6).map((s) => s.text),
      ...lookAlikes(prng(6)),
      ' ',
      '\n',
      '=',
      ': ',
      '"',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pieces), { maxLength: 12 }),
        fc.string({ maxLength: 20 }),
        (parts, noise) => {
          const text = parts.join(noise.length % 2 ? ' ' : '\n') + noise;
          const once = masker.mask(text, new MaskBook());
          expect(masker.mask(once, new MaskBook())).toBe(once);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('SecretMasker: configuration', () => {
  it('extra names and patterns are masked; the allowlist is not', () => {
    const custom = new SecretMasker({
      names: ['ACME_CRED', 'LEGACY_*'],
      patterns: [{ label: 'Acme key', pattern: 'acme_[a-z0-9]{16}' }],
      allow: ['ghp_000000000000000000000000000000000000', /^AKIAEXAMPLE/],
    });
    expect(custom.mask('ACME_CRED=opensesame1')).toBe('ACME_CRED=‹secret: secret›');
    expect(custom.mask('LEGACY_LOGIN=hunter22')).toBe('LEGACY_LOGIN=‹secret: secret›');
    expect(custom.mask('use acme_0123456789abcdef now')).toBe('use ‹secret: Acme key› now');
    expect(custom.mask('ghp_000000000000000000000000000000000000')).toBe(
      'ghp_000000000000000000000000000000000000',
    );
    expect(custom.mask('AKIAEXAMPLE123456789')).toBe('AKIAEXAMPLE123456789');
  });

  it('a pattern that could backtrack for ever, or an invalid one, is refused with the fix', () => {
    expect(() => new SecretMasker({ patterns: [{ label: 'bad', pattern: '(a+)+$' }] })).toThrow(ConfigError);
    expect(() => new SecretMasker({ patterns: [{ label: 'bad', pattern: '(a|aa)*b' }] })).toThrow(
      /without the nested repetition/,
    );
    expect(() => new SecretMasker({ patterns: [{ label: 'bad', pattern: '(x)\\1' }] })).toThrow(
      /backreference/,
    );
    expect(() => new SecretMasker({ patterns: [{ label: 'bad', pattern: '[' }] })).toThrow(
      /not a valid regular/,
    );
    expect(() => new SecretMasker({ patterns: [{ label: 'bad', pattern: 'a*' }] })).toThrow(/empty text/);
  });

  it('labels cannot carry Markdown', () => {
    const custom = new SecretMasker({ patterns: [{ label: '*bold* [x](y) `c`', pattern: 'zz[0-9]{6}' }] });
    expect(custom.mask('zz123456')).toBe('‹secret: bold x(y) c›');
  });
});

/** CPU milliseconds of `fn`, the best of `runs`. */
function cpuMs(fn: () => void, runs = 5): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

// Inputs built to make a backtracking matcher or a rescanning loop blow up: every anchor repeated, values that
// never close, runs just short of a format's minimum, bodies without their END.
const ADVERSARIAL: Record<string, (n: number) => string> = {
  'repeated anchors': (n) => 'ghp_glpat-xoxb-AKIAsk-ant-npm_eyJya29.GOCSPX-Q~://'.repeat(n / 48),
  'unclosed quoted secrets': (n) => 'token="'.repeat(n / 7),
  'secret names with rejected values': (n) => 'token:token:'.repeat(n / 12),
  'long runs after a name': (n) => `password: ${'a'.repeat(n)}`,
  'PEM headers without END': (n) => '-----BEGIN PRIVATE KEY-----!'.repeat(n / 28),
  'JWT-like segments': (n) => 'eyJaaaaaaaa.'.repeat(n / 12),
  'URL userinfo without @': (n) => `https://${'u:p'.repeat(n / 3)}`,
  'Discord-like dots': (n) => 'MMMMMMMMMMMMMMMMMMMMMMMM.abcdef.'.repeat(n / 32),
  'Telegram-like digits': (n) => '123456789:'.repeat(n / 10),
  'escaped quotes': (n) => `"secret": "${'\\"'.repeat(n / 2)}`,
  'cut tokens': (n) => 'ghp_abc…eyJa.eyJb…'.repeat(n / 18),
};

describe('SecretMasker: linear time on hostile input', () => {
  it.each(Object.keys(ADVERSARIAL))('%s: 8x the input costs about 8x the time, not 64x', (name) => {
    const make = ADVERSARIAL[name] as (n: number) => string;
    const small = make(32_000);
    const large = make(256_000);
    masker.mask(small); // warm up (and flatten the strings)
    masker.mask(large);
    const ratio =
      cpuMs(() => masker.mask(large)) /
      Math.max(
        cpuMs(() => masker.mask(small)),
        0.05,
      );
    // Linear is ~8; quadratic would be ~64. 24 leaves room for a noisy machine.
    expect(ratio, `${name}: ratio ${ratio.toFixed(1)}`).toBeLessThan(24);
  });
});

describe('SecretMasker: tokens cut by a truncation', () => {
  it('a card that cuts a long command inside a token shows none of the token', async () => {
    const { formatToolInput } = await import('../../format/index.js');
    const [, , , slack] = secretSamples(40);
    const token = slack?.text.split('=')[1] ?? '';
    for (let pad = 1370; pad < 1400; pad += 3) {
      const formatted = formatToolInput('Bash', { command: `${'x'.repeat(pad)} ${token} && echo done` });
      expect(formatted.truncated).toBe(true);
      const masked = masker.mask(formatted.markdown);
      // Even the first characters of the secret (after its public `xoxb-`) stay hidden.
      expect(masked, `pad ${pad}`).not.toContain(token.slice(5, 9));
    }
  });

  it('a cut Telegram token and a cut JWT are masked too', () => {
    const telegram = secretSamples(41).find((s) => s.format === 'telegram')?.secret ?? '';
    expect(masker.mask(`bot 123456789:${telegram.slice(0, 20)}…`)).toBe(
      'bot 123456789:‹secret: Telegram bot token, 10 chars shown›…',
    );
    expect(masker.mask('id_token eyJhbGciOiJIUzI1NiJ9.eyJzdWIi…')).toBe('id_token ‹secret: JWT›…');
  });
});
