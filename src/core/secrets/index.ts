/**
 * Secret masking: credentials found in outgoing text are replaced by `‹secret: GitHub token, 4 chars shown›`.
 * @module
 */
export type { SecretSpan } from './formats.js';
export type { MaskRenderer, SecretMaskingOptions, SecretPattern } from './masker.js';
export { MaskBook, maskText, SecretMasker, sanitizeLabel } from './masker.js';
export { secretNameLabel } from './names.js';
export { OutgoingSecrets, SECRET_APPROVAL_NOTICE, SECRET_CARD_NOTICE } from './outgoing.js';
