import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildApprovalCard } from '../../src/core/approvals/cards.js';
import { PayloadCodec } from '../../src/core/approvals/codec.js';
import { approvalBody } from '../../src/core/approvals/diff-card.js';
import { renderDiscordChunks } from '../../src/discord/transport.js';
import { toolDiff } from '../../src/format/diff.js';
import { PLATFORM_LIMITS, renderChunks, validateTelegramHtml } from '../../src/format/index.js';
import { SLACK_BLOCK_LIMITS } from '../../src/slack/blocks.js';
import { squash, telegramVisible, webVisible } from './format-visible-text.js';
import { checkWebHtml } from './format-web-validate.js';

const numRuns = Number(process.env.FUZZ_RUNS ?? 300);
const codec = new PayloadCodec('a-secret-of-at-least-16-bytes');

// biome-ignore format: one fragment list reads better packed
const FRAGMENTS = [
  '```', '``', '`', '~~~', '<b>', '</pre>', '<code class="x">', '&amp;', '&', '<@U1>', '@everyone', '<!here>',
  '**', '_', '|', '\\', '\n', '\n\n', '+', '-', '@@ -1 +1 @@', '--- a/x', '+++ b/x', ' ', '\t', '😀', '👨‍👩‍👧',
  'e\u0301', '\u202e', 'x'.repeat(250), 'word', 'const a = 1;',
];
const text = fc
  .array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FRAGMENTS) }, fc.string({ maxLength: 8 })), {
    maxLength: 60,
  })
  .map((parts) => parts.join(''));
const request = fc.oneof(
  fc
    .record({ old_string: text, new_string: text })
    .map((i) => ({ toolName: 'Edit', input: { file_path: 'a/x.ts', ...i } })),
  text.map((content) => ({ toolName: 'Write', input: { file_path: 'src/new file.md', content } })),
  fc
    .array(fc.record({ old_string: text, new_string: text }), { minLength: 1, maxLength: 5 })
    .map((edits) => ({
      toolName: 'MultiEdit',
      input: { file_path: 'm.py', edits },
    })),
  text.map((source) => ({
    toolName: 'NotebookEdit',
    input: { notebook_path: 'n.ipynb', new_source: source },
  })),
);

describe('property: diff cards render valid on every platform, within limits', () => {
  it('one message per platform, under its limit; Telegram HTML and web HTML valid; the shown diff lines visible', () => {
    fc.assert(
      fc.property(request, ({ toolName, input }) => {
        const req = { requestId: 'r1', toolName, input };
        const diff = toolDiff(toolName, input);
        expect(diff).toBeDefined();
        const body = approvalBody(req);
        const card = buildApprovalCard({
          request: req,
          codec,
          formattedInput: body.markdown,
          truncated: body.truncated,
          hasDirectory: false,
          timerMs: 1_800_000,
          neverAutoApprove: false,
        });
        const telegram = renderChunks(card.markdown, 'telegram');
        expect(telegram).toHaveLength(1);
        expect(telegram[0]!.length).toBeLessThanOrEqual(PLATFORM_LIMITS.telegram);
        expect(validateTelegramHtml(telegram[0]!)).toBeUndefined();
        expect(telegram[0]).toContain('<pre><code class="language-diff">');
        const slack = renderChunks(card.markdown, 'slack', { limit: SLACK_BLOCK_LIMITS.sectionText });
        expect(slack).toHaveLength(1);
        const discord = renderDiscordChunks(card.markdown);
        expect(discord).toHaveLength(1);
        expect(discord[0]!.length).toBeLessThanOrEqual(2000);
        expect(discord[0]).toMatch(/```diff\n/);
        const web = renderChunks(card.markdown, 'web');
        expect(checkWebHtml(web.join(''))).toBeUndefined();
        // Every diff line the card shows is visible as written on Telegram and the web page.
        const shown = body.markdown.split('\n').slice(1, -1).join('');
        const inner = squash(shown.replace(/^`+diff|`+(_… .*)?$/g, ''));
        const lines = squash(diff!.text);
        expect(lines.startsWith(inner.slice(0, 40).replace(/…$/, ''))).toBe(true);
        expect(telegramVisible(telegram)).toContain(squash(diff!.text.split('\n')[0]!));
        expect(webVisible(web)).toContain(squash(diff!.text.split('\n')[0]!));
      }),
      { numRuns },
    );
  });
});
