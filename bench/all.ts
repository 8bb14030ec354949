/**
 * `npm run bench`: every benchmark in one run, each in its own process (so one's heap and JIT do not blur the
 * next), its output shown as it ran, then the headline figures side by side. A benchmark that fails is reported
 * and the others still run. Run one alone with `npx tsx bench/<name>.ts`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface Bench {
  readonly file: string;
  readonly node?: readonly string[];
  /** Headline figures: a label and a pattern whose first group is the figure (from this bench's output). */
  readonly figures: readonly (readonly [string, RegExp])[];
}

/** Seconds a bench may run before it is stopped (reported as failed; its figures so far are kept). */
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_S ?? 300);

const BENCHES: readonly Bench[] = [
  {
    file: 'formatter.ts',
    figures: [
      ['formatter, previous pipeline (MB/s of CPU)', /previous: micromark.*?([\d.]+) MB\/s/],
      ['formatter, now (MB/s of CPU)', /new: markdown-it \+ in-place chunker\s+([\d.]+) MB\/s/],
      ['1 MB document: CPU (ms)', /1 MB document, new:\s+CPU\s+(\d+) ms/],
      ['1 MB document: peak heap growth (× input)', /1 MB document, new:.*?= ([\d.]+)x input/],
      ['4 MB document: peak heap growth (× input)', /4 MB document, new:.*?= ([\d.]+)x input/],
      ['linearity, CPU per MB 4 MB / 250 KB', /4 MB \/ 250 KB = ([\d.]+)/],
    ],
  },
  {
    file: 'tap-roundtrip.ts',
    figures: [
      ['tap → requestApproval resolved, median (ms)', /TelegramBridge requestApproval\s+median ([\d.]+) ms/],
      ['bare grammY handler, median (ms)', /bare grammY callback_query handler\s+median ([\d.]+) ms/],
      ['tap ratio bridge / bare grammY (goal ≤ 1.5)', /ratio bridge \/ bare grammY \(median\): ([\d.]+)x/],
    ],
  },
  {
    file: 'telegram-burst.ts',
    figures: [
      ['Telegram 1 MB burst: calls', /TelegramBridge\s+(\d+) calls/],
      ['Telegram 1 MB burst: floor ceil(visible / 4096)', /floor ceil\(visible chars \/ 4096\) = (\d+)/],
      ['Telegram 1 MB burst: 429s (goal 0)', /TelegramBridge\s+\d+ calls\s+(\d+) × 429/],
    ],
  },
  {
    file: 'platform-burst.ts',
    figures: [
      ['Slack burst: calls (floor)', /^Slack\s+(\d+ calls \(floor \d+, [\d.]+x\))/m],
      ['Slack burst: 429s (goal 0)', /^Slack\s+\d+ calls.*?(\d+) × 429/m],
      ['Slack, our limiter opened wide: 429s', /^Slack, no limiter.*?(\d+) × 429/m],
      ['Discord burst: calls (floor)', /^Discord\s+(\d+ calls \(floor \d+, [\d.]+x\))/m],
      ['Discord burst: 429s (goal 0)', /^Discord\s+\d+ calls.*?(\d+) × 429/m],
    ],
  },
  { file: 'outbox-burst.ts', figures: [['outbox: calls vs one per event', /\(([\d.]+x fewer)\)/]] },
  {
    file: 'scale.ts',
    node: ['--expose-gc'],
    figures: [
      ['10k threads: heap per idle thread (KB)', /heap per idle thread: ([\d.]+) KB/],
      ['10k threads: thread creation, last / 2nd thousand', /creating 1,000 threads.*?\(ratio ([\d.]+)\)/],
      ['10k threads: event-loop lag p99 (ms)', /into 10000 threads.*?lag p99 (\d+) ms/],
      ['lag p99, 10k / 1k threads', /lag p99 ratio \d+ \/ \d+ threads: ([\d.]+)/],
      ['typed message, 10k / 1k approvals, MemoryStore', /MemoryStore: .*?\(ratio ([\d.]+)/],
      ['typed message, 10k / 1k approvals, SqliteStore', /SqliteStore: .*?\(ratio ([\d.]+)/],
    ],
  },
  {
    file: 'secret-masker.ts',
    figures: [['secret masker (MB/s of CPU)', /masker.*?([\d.]+) MB\/s/i]],
  },
  {
    file: 'hook-roundtrip.ts',
    figures: [['serve hook round trip vs bare server (mean)', /ratio \(mean\): ([\d.]+×)/]],
  },
  { file: 'multi-host.ts', figures: [] },
];

function run(bench: Bench): Promise<{ output: string; ok: boolean; seconds: number }> {
  const path = fileURLToPath(new URL(bench.file, import.meta.url));
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...(bench.node ?? []), '--import', 'tsx', path], {
      stdio: ['ignore', 'pipe', 'inherit'],
      // Benches skip their slowest baselines (e.g. grammY + auto-retry sending 5,000 messages one by one).
      env: { ...process.env, BENCH_QUICK: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      process.stdout.write(chunk);
    });
    // A bench that has not exited by then (e.g. a server left open) is stopped, so the run always ends.
    const timer = setTimeout(() => child.kill('SIGTERM'), TIMEOUT_S * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ output, ok: code === 0, seconds: (performance.now() - started) / 1000 });
    });
  });
}

const only = process.argv.slice(2);
const rows: [string, string][] = [];
for (const bench of BENCHES) {
  if (only.length > 0 && !only.some((name) => bench.file.startsWith(name))) continue;
  console.log(`\n=== bench/${bench.file}`);
  const { output, ok, seconds } = await run(bench);
  console.log(`(${seconds.toFixed(0)} s${ok ? '' : ', FAILED'})`);
  for (const [label, pattern] of bench.figures) rows.push([label, pattern.exec(output)?.[1] ?? '—']);
}
console.log('\n=== side by side');
const width = Math.max(...rows.map(([label]) => label.length));
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
