/**
 * Approval and choice cards as pure, platform-neutral models: Markdown text plus rows of buttons whose
 * payloads come from the {@link PayloadCodec}. Each platform renders them into its own UI.
 * @module
 */

import {
  findHiddenCharacters,
  hiddenCharactersWarning,
  revealHiddenCharacters,
} from '../../format/hidden-characters.js';
import { describePerson } from '../people.js';
import type {
  AgentPermissionOption,
  ApprovalDecision,
  ApprovalRequest,
  ChoiceDecision,
  ChoiceRequest,
  DecidedBy,
} from '../types.js';
import type { CardAction, PayloadCodec } from './codec.js';

/** A button on a card. */
export interface CardButton {
  readonly label: string;
  readonly payload: string;
  readonly action: CardAction;
  readonly style?: 'primary' | 'danger';
}

/** A card: Markdown body and rows of buttons (no rows once decided). */
export interface Card {
  readonly markdown: string;
  readonly buttons: readonly (readonly CardButton[])[];
  /** What the card asks; a card whose text had a secret masked says what approving does. */
  readonly kind?: 'approval' | 'choice';
}

/** Escape Markdown syntax so a name or tool is shown literally. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (c) => `\\${c}`);
}

/** A timer length as the cards show it: `30m`, `5m`, `2h`. */
export function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m >= 60 && m % 60 === 0 ? `${m / 60}h` : `${m}m`;
}

/** Inputs of {@link buildApprovalCard}. */
export interface ApprovalCardInput {
  readonly request: ApprovalRequest;
  readonly codec: PayloadCodec;
  /** Tool input already formatted as Markdown. */
  readonly formattedInput: string;
  /** True when the formatted input was truncated (adds "Show all"). */
  readonly truncated: boolean;
  /** True when the request has a directory (adds "Allow dir"). */
  readonly hasDirectory: boolean;
  /** Timer length, for the button labels. */
  readonly timerMs: number;
  /** Set when the tool may never be auto-approved (no timer buttons). */
  readonly neverAutoApprove: boolean;
  /** True when the request can be edited before it is approved (adds "Edit"). */
  readonly editable?: boolean | undefined;
  /** The label of the "Always allow …" button, when a rule can be offered. */
  readonly alwaysAllow?: string | undefined;
}

/** Build the card asking a person to allow or deny a tool call. */
export function buildApprovalCard(input: ApprovalCardInput): Card {
  const { request, codec } = input;
  const button = (label: string, action: CardAction, style?: 'primary' | 'danger'): CardButton => ({
    label,
    action,
    payload: codec.encode(request.requestId, action),
    ...(style ? { style } : {}),
  });
  const span = minutes(input.timerMs);
  const rows: CardButton[][] =
    request.options === undefined
      ? [
          [button('Allow', { type: 'allow' }, 'primary'), button('Deny', { type: 'deny' }, 'danger')],
          [
            button('Deny with reason', { type: 'deny_reason' }),
            ...(input.editable ? [button('Edit', { type: 'edit' })] : []),
          ],
        ]
      : agentOptionRows(request.options, button);
  if (!input.neverAutoApprove) {
    const toolLabel = request.toolName.length > 24 ? `${request.toolName.slice(0, 23)}…` : request.toolName;
    const timers = [
      button(`Allow ${toolLabel} ${span}`, { type: 'allow_tool' }),
      button(`Allow all ${span}`, { type: 'allow_all' }),
    ];
    if (input.hasDirectory) timers.push(button(`Allow dir ${span}`, { type: 'allow_dir' }));
    rows.push(timers);
    if (input.alwaysAllow !== undefined) rows.push([button(input.alwaysAllow, { type: 'always_allow' })]);
  }
  if (input.truncated) rows.push([button('Show all', { type: 'show_all' })]);
  const body = input.formattedInput.trim();
  const markdown = `🔐 **Permission request: ${escapeMarkdown(request.toolName)}**${body ? `\n\n${body}` : ''}`;
  return revealHidden({ markdown, buttons: rows, kind: 'approval' });
}

/**
 * Make invisible and text-direction characters visible (`⟨U+202E⟩`) in a card's text and button labels, and flag
 * the card under its title: what a person approves must look like what runs.
 */
export function revealHidden(card: Card): Card {
  const found = findHiddenCharacters([card.markdown, ...card.buttons.flat().map((b) => b.label)].join('\n'));
  const warning = hiddenCharactersWarning(found);
  if (warning === undefined) return card;
  const [title = '', ...rest] = revealHiddenCharacters(card.markdown).split('\n');
  return {
    ...card,
    markdown: [title, '', warning, ...rest].join('\n'),
    buttons: card.buttons.map((row) => row.map((b) => ({ ...b, label: revealHiddenCharacters(b.label) }))),
  };
}

/** Longest label of an agent's option button. */
const MAX_OPTION_LABEL = 40;

/** The agent's own options as buttons: its allow options on one row, its reject options on the next. */
function agentOptionRows(
  options: readonly AgentPermissionOption[],
  button: (label: string, action: CardAction, style?: 'primary' | 'danger') => CardButton,
): CardButton[][] {
  const make = (option: AgentPermissionOption, index: number) => {
    const label = option.label.trim() === '' ? option.kind.replace('_', ' ') : option.label.trim();
    const shown = label.length > MAX_OPTION_LABEL ? `${label.slice(0, MAX_OPTION_LABEL - 1)}…` : label;
    const style =
      option.kind === 'allow_once' ? 'primary' : option.kind === 'reject_once' ? 'danger' : undefined;
    return button(shown, { type: 'choice', index }, style);
  };
  const indexed = options.map((option, index) => ({ option, index }));
  return [
    indexed.filter((o) => o.option.kind.startsWith('allow')).map((o) => make(o.option, o.index)),
    indexed.filter((o) => o.option.kind.startsWith('reject')).map((o) => make(o.option, o.index)),
  ].filter((row) => row.length > 0);
}

/** Build the card asking a person to pick one option. */
export function buildChoiceCard(request: ChoiceRequest, codec: PayloadCodec): Card {
  const lines = [
    request.header ? `❓ **${escapeMarkdown(request.header)}**` : '❓ **Question**',
    '',
    escapeMarkdown(request.question),
    '',
    ...request.options.map(
      (o, i) =>
        `${i + 1}. ${escapeMarkdown(o.label)}${o.description ? ` — ${escapeMarkdown(o.description)}` : ''}`,
    ),
    '',
    '_Tap an option or reply with its number._',
  ];
  const buttons = request.options.map((o, i) => {
    const label = o.label.length > 60 ? `${o.label.slice(0, 59)}…` : o.label;
    const action: CardAction = { type: 'choice', index: i };
    return [{ label: `${i + 1}. ${label}`, action, payload: codec.encode(request.requestId, action) }];
  });
  return revealHidden({ markdown: lines.join('\n'), buttons, kind: 'choice' });
}

/** "alice (telegram)" or the auto-approve reason. */
export function describeDecider(by: DecidedBy): string {
  if (by.type === 'user') return describePerson(by.user);
  return by.rule !== undefined ? by.reason : `auto-approve (${by.reason})`;
}

/** The line shown on a card once decided, e.g. "✅ Allowed by alice via telegram". */
export function describeDecision(decision: ApprovalDecision | ChoiceDecision, timerMs: number): string {
  switch (decision.behavior) {
    case 'allow': {
      const scope =
        decision.option !== undefined
          ? escapeMarkdown(decision.option.label)
          : decision.scope === 'once'
            ? 'Allowed'
            : decision.scope === 'all'
              ? `Allowed all for ${minutes(timerMs)}`
              : decision.scope === 'dir'
                ? `Allowed this directory for ${minutes(timerMs)}`
                : `Allowed this tool for ${minutes(timerMs)}`;
      return `✅ ${scope} — ${escapeMarkdown(describeDecider(decision.by))}`;
    }
    case 'deny':
      return `❌ ${decision.option === undefined ? 'Denied' : escapeMarkdown(decision.option.label)} — ${escapeMarkdown(describeDecider(decision.by))}${decision.reason ? `\nReason: ${escapeMarkdown(decision.reason)}` : ''}`;
    case 'timeout':
      if (decision.cancelled && decision.note) return `⌛ ${escapeMarkdown(decision.note)}`;
      return decision.cancelled
        ? '⌛ Cancelled by the agent'
        : '⌛ Timed out — nobody answered, so it was denied';
    case 'selected':
      return `✅ Selected: **${escapeMarkdown(decision.label)}** — ${escapeMarkdown(describeDecider(decision.by))}`;
    case 'cancelled':
      return `❌ Cancelled — ${escapeMarkdown(describeDecider(decision.by))}`;
    default: {
      const never: never = decision;
      return never;
    }
  }
}

/** The card after a decision: the original text plus the outcome, with no buttons. */
export function resolvedCard(card: Card, decisionLine: string): Card {
  return {
    markdown: `${card.markdown}\n\n${decisionLine}`,
    buttons: [],
    ...(card.kind === undefined ? {} : { kind: card.kind }),
  };
}
