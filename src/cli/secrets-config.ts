/**
 * The config file's `secrets` section: what the bridges the CLI builds mask beside the built-in formats, what
 * they never mask, and the switch to turn masking off.
 *
 * ```json
 * "secrets": {
 *   "names": ["ACME_CRED", "*_PASSPHRASE"],
 *   "patterns": [{ "label": "Acme key", "pattern": "acme_[a-z0-9]{32}" }],
 *   "allow": ["AKIAIOSFODNN7EXAMPLE"],
 *   "allowPatterns": ["^sk-test-"],
 *   "enabled": true
 * }
 * ```
 * @module
 */
import { z } from 'zod';
import { SecretMasker, type SecretMaskingOptions } from '../core/secrets/masker.js';
import { CliError } from './errors.js';

/** Schema of the `secrets` section. */
export const secretsSchema = z.strictObject({
  /** Mask secrets in everything sent to chats. @defaultValue true */
  enabled: z.boolean('should be true or false').optional(),
  /** Extra setting names whose values are secret (`MY_CRED`, `*_CRED`, `ACME_*`). */
  names: z.array(z.string().min(1, 'should be a setting name like MY_CRED')).optional(),
  /** Extra patterns: a label and a regular expression. */
  patterns: z
    .array(
      z.strictObject({
        label: z.string().min(1, 'should name the secret, e.g. "Acme key"'),
        pattern: z.string().min(1, 'should be a regular expression like acme_[a-z0-9]{32}'),
      }),
    )
    .optional(),
  /** Exact texts never masked (known false positives, example keys). */
  allow: z.array(z.string().min(1)).optional(),
  /** Regular expressions: a found secret they match is not masked. */
  allowPatterns: z.array(z.string().min(1)).optional(),
});

/** The `secrets` section as the config file holds it. */
export type SecretsConfig = z.infer<typeof secretsSchema>;

/**
 * The bridges' `secretMasking` option from the config file's `secrets` section.
 * @throws CliError naming the entry when an allow pattern is not a valid regular expression.
 */
export function secretMaskingFromConfig(config: SecretsConfig): SecretMaskingOptions {
  const allow: (string | RegExp)[] = [...(config.allow ?? [])];
  for (const [i, source] of (config.allowPatterns ?? []).entries()) {
    try {
      allow.push(new RegExp(source));
    } catch (error) {
      throw new CliError(
        `The config's secrets.allowPatterns[${i}] is not a valid regular expression (${(error as Error).message}): fix or remove it`,
      );
    }
  }
  const options: SecretMaskingOptions = {
    ...(config.enabled === undefined ? {} : { enabled: config.enabled }),
    ...(config.names === undefined ? {} : { names: config.names }),
    ...(config.patterns === undefined ? {} : { patterns: config.patterns }),
    ...(allow.length === 0 ? {} : { allow }),
  };
  try {
    new SecretMasker(options);
  } catch (error) {
    // "secret masking: patterns[0] (Acme key) …" — say where it is in the config file.
    const message = error instanceof Error ? error.message.replace(/^secret masking: /, '') : String(error);
    throw new CliError(`The config's secrets.${message}`, { cause: error });
  }
  return options;
}
