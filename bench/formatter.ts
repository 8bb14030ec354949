/**
 * Formatter benchmark: Markdown → Telegram HTML chunks, MB/s of CPU on a generated agent-output corpus (60
 * documents, 1–100 KB), the previous pipeline (micromark → mdast, per-character chunker; kept in bench/baseline)
 * next to the new one (markdown-it, stack walker, in-place chunker) and the candidates measured on the way, all
 * in this run. CPU time is the best of several passes (this machine is shared: the best pass is the one least
 * disturbed). Then: 1 MB / 4 MB documents (CPU, peak memory, each in a fresh process), and hostile inputs.
 * Run: `npx tsx bench/formatter.ts` (the Python original's regex formatter does about 10 MB/s on such a corpus).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chunkTokens, renderChunks } from '../src/format/index.js';
import { parseMarkdown } from '../src/format/markdown.js';
import { renderTokens } from '../src/format/render-tree.js';
import { telegramDialect } from '../src/format/telegram.js';
import { chunkTokens as oldChunkTokens } from './baseline/chunk.js';
import { renderTelegramChunksBaseline } from './baseline/index.js';
import { agentCorpus, agentDocument } from './corpus.js';

function cpuMs(work: () => void): number {
  const started = process.cpuUsage();
  work();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

/** Best-of-`passes` CPU ms of rendering every document once. */
function measure(docs: readonly string[], render: (md: string) => unknown, passes = 5): number {
  for (const doc of docs) render(doc);
  let best = Number.POSITIVE_INFINITY;
  for (let pass = 0; pass < passes; pass++)
    best = Math.min(
      best,
      cpuMs(() => {
        for (const d of docs) render(d);
      }),
    );
  return best;
}

/** Resident memory from /proc (Linux): `VmRSS` now, `VmHWM` the peak since the last reset. */
function procMemory(): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1]) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

// One document in a fresh process: CPU ms and peak RSS growth (so earlier work does not blur the memory figure).
if (process.argv[2] === 'one') {
  const [, , , which = 'new', sizeArg = '1000000'] = process.argv;
  const doc = agentDocument(Number(sizeArg), 7);
  const render =
    which === 'old' ? renderTelegramChunksBaseline : (md: string) => renderChunks(md, 'telegram');
  // Warm the JIT as a long-running daemon is warm: the whole corpus, twice (the previous pipeline, 30 times
  // slower, on a sixth of it: enough to warm, and the bench stays short).
  const warm = which === 'old' ? agentCorpus().slice(0, 10) : agentCorpus();
  for (let i = 0; i < 2; i++) for (const d of warm) render(d);
  globalThis.gc?.();
  // Reset the kernel's peak-RSS mark (Linux), so the warm-up's own peak does not hide the document's.
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {}
  const rssBefore = procMemory()?.rss ?? process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  // --trace-gc prints the heap in use before every collection between these two marks (see oneDocument).
  console.log('render-start');
  const ms = cpuMs(() => render(doc));
  const heapAfter = process.memoryUsage().heapUsed;
  console.log('render-end');
  const peak = procMemory()?.peak ?? process.resourceUsage().maxRSS * 1024;
  console.log(
    JSON.stringify({
      ms,
      chars: doc.length,
      growthMb: Math.max(0, peak - rssBefore) / 1e6,
      peakMb: peak / 1e6,
      heapBeforeMb: heapBefore / 1e6,
      heapAfterMb: heapAfter / 1e6,
    }),
  );
  process.exit(0);
}

/**
 * Renders one document in a fresh process. Peak heap growth: the most heap in use (before any collection, from
 * `--trace-gc`, or at the end) while rendering, minus the heap in use before. Peak RSS growth: the kernel's
 * peak-RSS mark, reset after the warm-up. A 1 MB young generation, so the figures show what rendering holds, not
 * how V8 sizes its nursery.
 */
function oneDocument(which: 'old' | 'new', size: number) {
  const flags = ['--max-semi-space-size=1', '--expose-gc', '--trace-gc', '--import', 'tsx'];
  const out = execFileSync(
    process.execPath,
    [...flags, fileURLToPath(import.meta.url), 'one', which, String(size)],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const lines = out.trim().split('\n');
  const result = JSON.parse(lines.at(-1) as string) as {
    ms: number;
    chars: number;
    growthMb: number;
    peakMb: number;
    heapBeforeMb: number;
    heapAfterMb: number;
  };
  let peakHeapMb = result.heapAfterMb;
  const during = lines.slice(lines.indexOf('render-start'), lines.indexOf('render-end'));
  for (const line of during) {
    const before = /(?:Scavenge|Mark-Compact|Mark-sweep)[^\d]*([\d.]+) \(/.exec(line)?.[1];
    if (before !== undefined) peakHeapMb = Math.max(peakHeapMb, Number(before));
  }
  return { ...result, heapGrowthMb: peakHeapMb - result.heapBeforeMb };
}

const corpus = agentCorpus();
const bytes = corpus.reduce((n, d) => n + d.length, 0);
const mbps = (ms: number, chars = bytes) => (chars / 1e6 / (ms / 1000)).toFixed(2);

const plainLogs = Array.from({ length: 20 }, (_, i) =>
  Array.from(
    { length: 400 },
    (_, j) => `worker ${i} step ${j}: compiled 42 modules in 1.3 s, 0 warnings`,
  ).join('\n'),
);
const plainBytes = plainLogs.reduce((n, d) => n + d.length, 0);

const rows: [string, number, number][] = [];
const oldMs = measure(corpus, renderTelegramChunksBaseline, 1);
rows.push(['previous: micromark + per-character chunker', oldMs, bytes]);
rows.push([
  'candidate: markdown-it + previous chunker',
  measure(corpus, (d) => oldChunkTokens(renderTokens(parseMarkdown(d), telegramDialect), 4096), 3),
  bytes,
]);
rows.push(['  (markdown-it parse alone)', measure(corpus, (d) => parseMarkdown(d)), bytes]);
const newMs = measure(corpus, (d) => renderChunks(d, 'telegram'));
rows.push(['new: markdown-it + in-place chunker', newMs, bytes]);
rows.push([
  'plain log text, parser (no fast path)',
  measure(plainLogs, (d) => chunkTokens(renderTokens(parseMarkdown(d), telegramDialect), 4096)),
  plainBytes,
]);
rows.push(['plain log text, fast path', measure(plainLogs, (d) => renderChunks(d, 'telegram')), plainBytes]);

console.log(
  `corpus: ${corpus.length} documents, ${(bytes / 1e6).toFixed(2)} MB (1–100 KB each); Telegram HTML chunks`,
);
for (const [label, ms, chars] of rows)
  console.log(`${label.padEnd(46)} ${mbps(ms, chars).padStart(7)} MB/s of CPU  (${ms.toFixed(0)} ms)`);
console.log(
  `ratio new / previous: ${(oldMs / newMs).toFixed(1)}x faster   (bar: the Python original's ~10 MB/s)`,
);

// CPU of single large documents, warm (best of 3), in this process; memory in a fresh process each.
const renderNew = (d: string) => renderChunks(d, 'telegram');
const sizes = [250_000, 1_000_000, 4_000_000] as const;
const docs = sizes.map((size, i) => agentDocument(size, 7 + i));
const warmMs = docs.map((doc) => measure([doc], renderNew, 3));
const oldWarm = measure([docs[1] as string], renderTelegramChunksBaseline, 1);
const old1 = oneDocument('old', 1_000_000);
const new1 = oneDocument('new', 1_000_000);
const new4 = oneDocument('new', 4_000_000);
const memory = (r: typeof old1) =>
  `peak heap growth ${r.heapGrowthMb.toFixed(1).padStart(5)} MB = ${((r.heapGrowthMb * 1e6) / r.chars).toFixed(1)}x input, peak RSS growth ${r.growthMb.toFixed(1)} MB`;
console.log(`1 MB document, previous: CPU ${oldWarm.toFixed(0).padStart(5)} ms   ${memory(old1)}`);
console.log(
  `1 MB document, new:      CPU ${(warmMs[1] as number).toFixed(0).padStart(5)} ms   ${memory(new1)}`,
);
console.log(
  `4 MB document, new:      CPU ${(warmMs[2] as number).toFixed(0).padStart(5)} ms   ${memory(new4)}`,
);
const perMb = sizes.map((_size, i) => (warmMs[i] as number) / ((docs[i] as string).length / 1e6));
console.log(
  `linearity: CPU per MB at 250 KB / 1 MB / 4 MB = ${perMb.map((v) => v.toFixed(0)).join(' / ')} ms  (4 MB / 250 KB = ${((perMb[2] as number) / (perMb[0] as number)).toFixed(2)}; 1.00 is linear)`,
);

const hostile: [string, string][] = [
  ['100 KB of "*_"', '*_'.repeat(50_000)],
  ['100 KB of "*a"', '*a'.repeat(50_000)],
  ['100 KB of "["', '['.repeat(100_000)],
  ['3,000 nested ">"', `${'> '.repeat(3000)}deep`],
  ['3,000 nested "- "', `${'- '.repeat(3000)}deep`],
  ['1 MB of "*_"', '*_'.repeat(500_000)],
];
for (const [label, md] of hostile) {
  let chunks: string[] = [];
  const ms = cpuMs(() => {
    chunks = renderChunks(md, 'telegram');
  });
  const visible = chunks.join('').replace(/<[^>]*>/g, '').length;
  console.log(
    `hostile ${label.padEnd(20)} ${ms.toFixed(0).padStart(6)} ms CPU, ${chunks.length} chunks, ${visible} visible chars`,
  );
}
