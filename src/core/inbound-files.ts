/**
 * Files a person sends in a thread: a photo or a document is saved in the session's attachment directory
 * (size-limited, name-sanitised, never outside it) and handed to the agent through `onAttachment`; a voice note
 * is transcribed by the configured transcriber and becomes input, its transcript shown in the thread. Only
 * authorized people's files are downloaded at all.
 * @module
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { escapeMarkdown } from './approvals/cards.js';
import { DEFAULT_MAX_ATTACHMENT_BYTES, saveAttachment } from './attachments.js';
import type { Authorizer } from './auth.js';
import type { InboundHost } from './bridge-inbound.js';
import { TetherError } from './errors.js';
import { safeFileName } from './outgoing-file.js';
import { defaultDataDir } from './store/data-dir.js';
import { type TranscriberOptions, transcribe, VOICE_SETUP_HINT } from './transcriber.js';
import type { ChatUser, IncomingAttachment, ThreadId } from './types.js';

export type { IncomingAttachment } from './types.js';

/** A file a person sent, as a platform bridge reports it (the bytes are fetched only when needed). */
export interface IncomingFile {
  readonly threadId: ThreadId | undefined;
  readonly user: ChatUser;
  /** `photo` (an image), `document` (any file) or `voice` (a voice note). */
  readonly kind: 'photo' | 'document' | 'voice';
  /** The name the platform gives (sanitised before saving). */
  readonly fileName: string;
  readonly mimeType?: string;
  /** Text sent with the file. */
  readonly caption?: string;
  /** The size the platform announces, when it does: a larger file is refused before it is downloaded. */
  readonly size?: number;
  /** Fetch the bytes from the platform (with the bot's credentials). */
  download(): Promise<Uint8Array>;
}

/** Where and how files from people are kept. */
export interface AttachmentOptions {
  /**
   * The root of the attachment directories: a thread's files go in `<dir>/<platform>-<thread id>`.
   * @defaultValue `<dataDir>/attachments` (a temporary directory when the bridge keeps no data dir)
   */
  readonly dir?: string;
  /** Largest file accepted. @defaultValue 20 MB */
  readonly maxBytes?: number;
}

/** What receiving files needs from its bridge. */
export interface InboundFilesDeps {
  /** The bridge's host: its threads, replies, handlers and audit log. */
  readonly host: Pick<InboundHost, 'platform' | 'handlers' | 'logger' | 'getThread' | 'reply' | 'audit'>;
  readonly auth: Authorizer;
  /** The bridge's data dir option (`:memory:` or undefined with a given store: a temporary directory). */
  readonly dataDir: string | undefined;
  readonly ownsStore: boolean;
  readonly attachments?: AttachmentOptions | undefined;
  readonly transcriber?: TranscriberOptions | undefined;
}

/** Receives people's files for one bridge. */
export class InboundFiles {
  readonly #d: InboundFilesDeps;

  constructor(deps: InboundFilesDeps) {
    this.#d = deps;
  }

  /** The attachment directory of a thread (created when the first file arrives). */
  directoryOf(threadId: ThreadId): string {
    const { attachments, dataDir, ownsStore } = this.#d;
    const root =
      attachments?.dir ??
      (dataDir === ':memory:' || (dataDir === undefined && !ownsStore)
        ? path.join(tmpdir(), 'agent-tether-attachments')
        : path.join(dataDir ?? defaultDataDir(), 'attachments'));
    return path.join(path.resolve(root), safeFileName(`${this.#d.host.platform}-${threadId}`, 'thread'));
  }

  /** A person sent a file. Never throws: failures are told in the thread and logged. */
  async receive(file: IncomingFile): Promise<void> {
    const { auth } = this.#d;
    const { threadId, user } = file;
    if (!auth.isAuthorized(user.id)) {
      auth.refuse(user, 'message', threadId !== undefined ? { threadId } : {});
      return;
    }
    if (threadId === undefined || !this.#d.host.getThread(threadId)) return;
    try {
      if (file.kind === 'voice') await this.#voice(threadId, file);
      else await this.#attachment(threadId, file);
    } catch (error) {
      this.#d.host.logger.warn({ err: error, threadId }, 'receiving a file failed');
      const why =
        error instanceof TetherError
          ? error.message
          : 'Receiving that file failed; it was logged. Try again.';
      await this.#d.host.reply(threadId, `⚠️ ${escapeMarkdown(why)}`);
    }
  }

  async #download(file: IncomingFile): Promise<Uint8Array> {
    const maxBytes = this.#d.attachments?.maxBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES;
    if (file.size !== undefined && file.size > maxBytes) {
      throw new TetherError(
        'ATTACHMENT',
        `The file "${safeFileName(file.fileName)}" has ${file.size} bytes, more than the ${maxBytes} allowed. Fix: send a smaller file, or raise the attachments maxBytes option.`,
      );
    }
    return file.download();
  }

  async #attachment(threadId: ThreadId, file: IncomingFile): Promise<void> {
    const bytes = await this.#download(file);
    const saved = saveAttachment(this.directoryOf(threadId), file.fileName, bytes, {
      maxBytes: this.#d.attachments?.maxBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES,
    });
    const attachment: IncomingAttachment = {
      path: saved,
      fileName: path.basename(saved),
      kind: file.kind === 'photo' ? 'photo' : 'document',
      size: bytes.length,
      ...(file.mimeType !== undefined ? { mimeType: file.mimeType } : {}),
      ...(file.caption ? { caption: file.caption } : {}),
    };
    this.#d.host.audit({
      action: 'attachment.received',
      threadId,
      userId: file.user.id,
      userName: file.user.name,
      detail: `${attachment.kind} ${attachment.fileName} (${attachment.size} bytes)`,
    });
    if (!this.#d.host.handlers.has('onAttachment')) {
      await this.#d.host.reply(
        threadId,
        `📎 Saved ${escapeMarkdown(attachment.fileName)}, but nothing here takes files: it was not given to an agent.`,
      );
      return;
    }
    await this.#d.host.handlers.onAttachment(threadId, attachment, file.user);
  }

  async #voice(threadId: ThreadId, file: IncomingFile): Promise<void> {
    const transcriber = this.#d.transcriber;
    if (!transcriber) {
      // Not even downloaded: the audio stays on the platform.
      await this.#d.host.reply(threadId, VOICE_SETUP_HINT);
      return;
    }
    const bytes = await this.#download(file);
    const saved = saveAttachment(this.directoryOf(threadId), file.fileName || 'voice.ogg', bytes, {
      maxBytes: this.#d.attachments?.maxBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES,
    });
    const transcript = await transcribe(transcriber, saved);
    this.#d.host.audit({
      action: 'voice.transcribed',
      threadId,
      userId: file.user.id,
      userName: file.user.name,
      detail: `${path.basename(saved)} (${bytes.length} bytes, ${transcript.length} characters)`,
    });
    await this.#d.host.reply(
      threadId,
      `🎙️ ${escapeMarkdown(file.user.name)} said: “${escapeMarkdown(transcript)}”`,
    );
    await this.#d.host.handlers.onInput(threadId, transcript, file.user);
  }
}
