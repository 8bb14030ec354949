/**
 * The config file's settings for files people send: `attachments` (where they are kept, how big) and
 * `transcriber` (the local command that turns voice notes into text).
 * @module
 */
import { z } from 'zod';
import type { AttachmentOptions } from '../core/inbound-files.js';
import type { TranscriberOptions } from '../core/transcriber.js';

/** `"attachments": { "dir": "/…", "maxMegabytes": 20 }` */
export const attachmentsSchema = z.strictObject({
  dir: z.string().min(1, 'should be a directory path').optional(),
  maxMegabytes: z
    .number('should be a number of megabytes')
    .positive('should be more than 0')
    .max(2000, 'should be at most 2000')
    .optional(),
});

/** `"transcriber": "whisper-cli -nt -f {file}"` or `{ "command": "…", "timeoutSeconds": 120 }` */
export const transcriberSchema = z.union(
  [
    z.string().min(1, 'should be a command such as "whisper-cli -nt -f {file}"'),
    z.strictObject({
      command: z.string().min(1, 'should be a command such as "whisper-cli -nt -f {file}"'),
      timeoutSeconds: z.number('should be a number of seconds').positive('should be more than 0').optional(),
    }),
  ],
  'should be a command such as "whisper-cli -nt -f {file}", or { "command": …, "timeoutSeconds": … }',
);

/** The sections as bridge options. */
export function filesFromConfig(config: {
  attachments?: z.infer<typeof attachmentsSchema> | undefined;
  transcriber?: z.infer<typeof transcriberSchema> | undefined;
}): { attachments?: AttachmentOptions; transcriber?: TranscriberOptions } {
  const { attachments, transcriber } = config;
  return {
    ...(attachments
      ? {
          attachments: {
            ...(attachments.dir !== undefined ? { dir: attachments.dir } : {}),
            ...(attachments.maxMegabytes !== undefined
              ? { maxBytes: Math.round(attachments.maxMegabytes * 1024 * 1024) }
              : {}),
          },
        }
      : {}),
    ...(transcriber === undefined
      ? {}
      : typeof transcriber === 'string'
        ? { transcriber: { command: transcriber } }
        : {
            transcriber: {
              command: transcriber.command,
              ...(transcriber.timeoutSeconds !== undefined
                ? { timeoutMs: transcriber.timeoutSeconds * 1000 }
                : {}),
            },
          }),
  };
}
