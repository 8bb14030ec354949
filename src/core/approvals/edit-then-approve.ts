/**
 * Edit, then approve: after **Edit** the person's next message in the thread is the corrected input; the old
 * card loses its buttons and a new card shows the change as a diff and asks once more. An Allow then runs the
 * edited input. The field rules and the diff body are in `edits.ts`.
 * @module
 */
import type { ChatUser } from '../types.js';
import { type Card, escapeMarkdown, resolvedCard } from './cards.js';
import { editableField, editedInput, editPrompt } from './edits.js';
import type { ApprovalHost, TapAnswer } from './flow-types.js';
import { INACTIVE } from './flow-types.js';
import type { PendingApprovals, PendingEntry } from './pending.js';

/** The edited inputs of open requests, and the replies awaited per thread. */
export class EditThenApprove {
  /** Edited inputs of open requests ("Edit", then a reply), by request id. */
  readonly #edits = new Map<string, { input: Record<string, unknown>; by: string }>();
  /** Per thread key: the request whose correction the person's next message gives. */
  readonly #awaiting = new Map<string, { requestId: string; userId: string }>();
  readonly #host: ApprovalHost;
  readonly #pending: PendingApprovals;

  constructor(host: ApprovalHost, pending: PendingApprovals) {
    this.#host = host;
    this.#pending = pending;
  }

  /** The edited input of a request, if a person edited it. */
  inputOf(requestId: string): Record<string, unknown> | undefined {
    return this.#edits.get(requestId)?.input;
  }

  /** Forget a settled request's edit. */
  forget(requestId: string): void {
    this.#edits.delete(requestId);
  }

  /** The tap on **Edit**: ask the person for the correction. */
  async start(entry: PendingEntry, user: ChatUser): Promise<TapAnswer> {
    const field = entry.kind === 'approval' ? editableField(entry.request) : undefined;
    if (!field) return INACTIVE;
    this.#awaiting.set(entry.threadKey, { requestId: entry.requestId, userId: user.id });
    await this.#host.postText(
      this.#host.threadIdOf(entry.threadKey),
      `✏️ ${escapeMarkdown(user.name)}, reply in this thread with ${editPrompt(field)}. You will see the change and approve it once more.`,
    );
    return { text: `Reply with ${editPrompt(field)}.`, outcome: 'info' };
  }

  /**
   * The person's reply after "Edit": store the corrected input, retire the old card's buttons and post the new
   * card (built by `cardOf` once the edit is stored). Returns false when this message is not such a reply.
   */
  async takeReply(
    threadId: string,
    user: ChatUser,
    text: string,
    cardOf: (entry: Extract<PendingEntry, { kind: 'approval' }>) => Card,
  ): Promise<boolean> {
    const threadKey = this.#host.key(threadId);
    const awaiting = this.#awaiting.get(threadKey);
    if (!awaiting || awaiting.userId !== user.id) return false;
    this.#awaiting.delete(threadKey);
    const entry = this.#pending.get(awaiting.requestId);
    if (entry?.kind !== 'approval' || entry.record.decisionJson !== undefined) return false;
    const input = editedInput(entry.request, text);
    if (!input) return false;
    const before = JSON.parse(entry.record.cardJson) as string[];
    const original = cardOf(entry);
    this.#edits.set(entry.requestId, { input, by: user.name });
    this.#host.audit({
      action: 'approval.edited',
      threadId,
      requestId: entry.requestId,
      userId: user.id,
      userName: user.name,
    });
    const retired = resolvedCard(
      original,
      `✏️ Edited by ${escapeMarkdown(user.name)}: see the new card below`,
    );
    await Promise.allSettled(before.map((id) => this.#host.editCard(threadId, id, retired)));
    const messageId = await this.#host.postCard(threadId, cardOf(entry));
    this.#pending.setCards(entry.requestId, [...before, messageId]);
    return true;
  }
}
