/**
 * Secret masker benchmark: CPU MB/s of the masker on a realistic agent-output corpus (prose, code blocks, logs,
 * JSON, tables, look-alikes; 1–100 KB documents, generated), and its cost relative to rendering the same text
 * for Telegram, measured in the same run. The budget: masking adds at most 10% to rendering.
 * If `@secretlint/core` and its recommended preset happen to be installed (they are no longer dependencies),
 * the same corpus is linted with them for comparison. Run: `npx tsx bench/secret-masker.ts`.
 */
import { MaskBook, SecretMasker } from '../src/core/secrets/masker.js';
import { renderChunks } from '../src/format/index.js';
import { agentOutputCorpus, secretSamples } from '../test/support/secret-corpus.js';

/** CPU milliseconds of `fn`, the best of `runs`. */
function cpuMs(fn: () => void, runs: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

const mb = (docs: readonly string[]) => docs.reduce((n, d) => n + d.length, 0) / 1e6;
const corpus = agentOutputCorpus(7, 60);
// Rendering is slow today: the ratio uses a third of the corpus for both sides.
const sample = corpus.filter((_, i) => i % 3 === 0);
const withSecrets = sample.map((doc, i) => {
  const secrets = secretSamples(i).map((s) => s.text);
  return `${doc}\n${secrets.join('\n')}\n`;
});
const masker = new SecretMasker();

masker.find(corpus.join('')); // warm up
const maskMs = cpuMs(() => {
  for (const doc of corpus) masker.mask(doc, new MaskBook());
}, 5);
const maskSecretsMs = cpuMs(() => {
  for (const doc of withSecrets) masker.mask(doc, new MaskBook());
}, 5);
const renderMs = cpuMs(() => {
  for (const doc of sample) renderChunks(doc, 'telegram');
}, 2);
const sampleMaskMs = cpuMs(() => {
  for (const doc of sample) masker.mask(doc, new MaskBook());
}, 5);

const rate = (megabytes: number, ms: number) => `${(megabytes / (ms / 1000)).toFixed(1)} MB/s`;
console.log(
  `corpus: ${corpus.length} documents, ${mb(corpus).toFixed(2)} MB (ratio sample ${mb(sample).toFixed(2)} MB)`,
);
console.log(`masker, no secrets:               ${rate(mb(corpus), maskMs)} of CPU`);
console.log(`masker, every format in each doc: ${rate(mb(withSecrets), maskSecretsMs)} of CPU`);
console.log(`renderChunks(telegram):           ${rate(mb(sample), renderMs)} of CPU`);
console.log(
  `masking adds ${((sampleMaskMs / renderMs) * 100).toFixed(2)}% to rendering today; at the 10 MB/s render target it would add ${((10 / (mb(corpus) / (maskMs / 1000))) * 100).toFixed(1)}% (budget 10%)`,
);

// The maintained rule set from the field, for comparison, when it is installed.
const core = '@secretlint/core';
const preset = '@secretlint/secretlint-rule-preset-recommend';
try {
  const { lintSource } = await import(core);
  const { creator } = await import(preset);
  const config = { rules: [{ id: preset, rule: creator }] };
  const lint = (content: string) =>
    lintSource({
      source: { content, filePath: '/output.txt', ext: '.txt', contentType: 'text' },
      options: { config, noPhysicFilePath: true, maskSecrets: true },
    });
  let started = process.cpuUsage();
  for (const doc of sample) await lint(doc);
  let used = process.cpuUsage(started);
  const lintMs = (used.user + used.system) / 1000;
  const chunks = Array.from({ length: 500 }, (_, i) => sample[0]?.slice(i * 200, i * 200 + 200) ?? '');
  started = process.cpuUsage();
  for (const chunk of chunks) await lint(chunk);
  used = process.cpuUsage(started);
  console.log(
    `secretlint preset-recommend:      ${rate(mb(sample), lintMs)} of CPU (async only), ${((used.user + used.system) / chunks.length).toFixed(0)} µs per 200-character output vs the masker's ${(((sampleMaskMs / mb(sample)) * 200) / 1e3).toFixed(1)} µs`,
  );
} catch {
  console.log('secretlint: not installed (no longer a dependency), comparison skipped');
}
