// An agent that prints as fast as its pipe takes it: argv[2] bytes of numbered log lines of argv[3] bytes each on
// stderr (a build tool spewing logs), then a last line naming the count, and exits. Writes to a full pipe wait
// for 'drain', so a supervisor that stops reading makes it wait.
const total = Number(process.argv[2] ?? 50_000_000);
const filler = 'x'.repeat(Math.max(0, Number(process.argv[3] ?? 1000) - 48));
let written = 0;
let line = 0;
function pump() {
  while (written < total) {
    const text = `flood line ${line} ${filler}\n`;
    written += text.length;
    line++;
    if (!process.stderr.write(text)) {
      process.stderr.once('drain', pump);
      return;
    }
  }
  process.stderr.write(`the last line: ${line} lines, ${written} bytes\n`, () => process.exit(0));
}
pump();
