/**
 * A generated, deterministic corpus of agent output for the formatter benchmarks: replies with headings,
 * paragraphs with inline code, bold and links, bullet and numbered lists, fenced code blocks, tables, quotes and
 * plain log lines, 1–100 KB per document.
 * @module
 */

/** A small deterministic PRNG (mulberry32), so every run measures the same corpus. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS =
  'the build test suite passes now after fixing config module import path handler request response cache retry error value function file branch commit review change update deploy server client token output line step'.split(
    ' ',
  );
const FILES = [
  'src/core/outbox.ts',
  'src/format/chunk.ts',
  'package.json',
  'README.md',
  'test/e2e/run.test.ts',
];

function sentence(rand: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    const word = WORDS[Math.floor(rand() * WORDS.length)] as string;
    const roll = rand();
    if (roll < 0.06) out.push(`\`${FILES[Math.floor(rand() * FILES.length)]}\``);
    else if (roll < 0.09) out.push(`**${word}**`);
    else if (roll < 0.1) out.push(`[${word}](https://example.com/${word}/${i})`);
    else out.push(word);
  }
  const text = out.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1) + '.';
}

function block(rand: () => number, n: number): string {
  const kind = rand();
  if (kind < 0.3) return `${sentence(rand, 20 + Math.floor(rand() * 40))} ${sentence(rand, 15)}`;
  if (kind < 0.42) {
    const lines = Array.from(
      { length: 3 + Math.floor(rand() * 6) },
      () => `- ${sentence(rand, 6 + Math.floor(rand() * 10))}`,
    );
    return lines.join('\n');
  }
  if (kind < 0.5) {
    const lines = Array.from(
      { length: 3 + Math.floor(rand() * 5) },
      (_, i) => `${i + 1}. ${sentence(rand, 8)}`,
    );
    return lines.join('\n');
  }
  if (kind < 0.68) {
    const lines = Array.from(
      { length: 5 + Math.floor(rand() * 30) },
      (_, i) =>
        `  const value${i} = await load("${WORDS[i % WORDS.length]}", { retries: ${i % 5} }); // <${i}> & more`,
    );
    return '```ts\n' + lines.join('\n') + '\n```';
  }
  if (kind < 0.74) {
    const rows = Array.from(
      { length: 3 + Math.floor(rand() * 8) },
      (_, i) =>
        `| ${FILES[i % FILES.length]} | ${Math.floor(rand() * 500)} | ${rand() < 0.8 ? 'pass' : 'fail'} |`,
    );
    return ['| file | lines | status |', '|---|--:|:-:|', ...rows].join('\n');
  }
  if (kind < 0.8) return `## Step ${n}: ${sentence(rand, 5)}`;
  if (kind < 0.84) return `> ${sentence(rand, 18)}`;
  // Plain log lines, as a test runner prints them.
  return Array.from(
    { length: 5 + Math.floor(rand() * 20) },
    (_, i) => `PASS test/unit/case-${n}-${i}.test.ts (${Math.floor(rand() * 900)} ms)`,
  ).join('\n');
}

/** One document of about `bytes` characters. */
export function agentDocument(bytes: number, seed = 1): string {
  const rand = random(seed);
  const blocks: string[] = [];
  let size = 0;
  for (let n = 0; size < bytes; n++) {
    const next = block(rand, n);
    blocks.push(next);
    size += next.length + 2;
  }
  return blocks.join('\n\n');
}

/** The benchmark corpus: `count` documents from 1 KB to 100 KB (sizes spread evenly on a log scale). */
export function agentCorpus(count = 60): string[] {
  return Array.from({ length: count }, (_, i) =>
    agentDocument(Math.round(1000 * 100 ** (i / (count - 1))), i + 1),
  );
}
