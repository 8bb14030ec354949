/**
 * The web page's wire protocol: JSON frames over the `/ws` WebSocket. Page → server frames are validated
 * with zod before anything acts on them; server → page frames are typed here and validated by the tests.
 * Message `html` is always the output of `renderWebHtml` (or escaped text): the page may insert it as HTML,
 * and nothing else.
 * @module
 */
import { z } from 'zod';

/** Largest text a person may send in one `say` frame (characters). */
export const MAX_SAY_LENGTH = 16_000;
/** Largest button payload accepted in a `tap` frame (characters). */
export const MAX_TAP_PAYLOAD_LENGTH = 512;

const threadIdSchema = z.string().min(1).max(200);

/** A frame the page sends. */
export const pageFrameSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('say'),
    /** `null` is the general feed (commands only). */
    threadId: threadIdSchema.nullable(),
    text: z.string().min(1).max(MAX_SAY_LENGTH),
  }),
  z.object({
    type: z.literal('tap'),
    threadId: threadIdSchema.nullable(),
    payload: z.string().min(1).max(MAX_TAP_PAYLOAD_LENGTH),
  }),
]);

/** A frame the page sends, after validation. */
export type PageFrame = z.infer<typeof pageFrameSchema>;

const buttonSchema = z.object({
  label: z.string(),
  payload: z.string(),
  style: z.enum(['primary', 'danger']).optional(),
});

/** A message as the page shows it. `threadId` null is the general feed. */
export const webMessageSchema = z.object({
  id: z.string(),
  threadId: z.string().nullable(),
  /** Safe HTML: `renderWebHtml` output or escaped text. */
  html: z.string(),
  /** Button rows. */
  buttons: z.array(z.array(buttonSchema)),
  /** Written by a person (echo of a `say`), not by the agent or the bridge. */
  fromUser: z.boolean(),
  /** Epoch milliseconds. */
  at: z.number(),
});

/** A message as the page shows it. */
export type WebMessage = z.infer<typeof webMessageSchema>;

/** A thread state as the page shows it (`sendStatus` states; null before the first status). */
export const webThreadStateSchema = z
  .enum(['running', 'waiting', 'awaiting_input', 'idle', 'done', 'error', 'stopped'])
  .nullable();

/** A thread's summary. */
export const webThreadSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: webThreadStateSchema,
  directory: z.string().optional(),
  typing: z.boolean(),
});

/** A thread's summary as the page shows it. */
export type WebThread = z.infer<typeof webThreadSchema>;

/** A frame the server sends. */
export const serverFrameSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('snapshot'),
    threads: z.array(webThreadSchema.extend({ messages: z.array(webMessageSchema) })),
    general: z.array(webMessageSchema),
  }),
  z.object({ type: z.literal('thread'), thread: webThreadSchema }),
  z.object({ type: z.literal('threadRemoved'), threadId: z.string() }),
  webMessageSchema.extend({ type: z.literal('message') }),
  webMessageSchema.extend({ type: z.literal('edit') }),
  z.object({ type: z.literal('typing'), threadId: z.string(), typing: z.boolean() }),
  z.object({
    type: z.literal('tapAnswer'),
    threadId: z.string().nullable(),
    text: z.string(),
    alert: z.boolean(),
  }),
  z.object({ type: z.literal('error'), text: z.string() }),
]);

/** A frame the server sends. */
export type ServerFrame = z.infer<typeof serverFrameSchema>;
