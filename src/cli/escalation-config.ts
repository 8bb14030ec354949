/**
 * The config file's `escalation` section: which platforms are asked only once a request has waited, and which
 * people are called by name then (`serve`, where several platforms run together).
 * @module
 */
import { z } from 'zod';
import type { Bridge } from '../core/bridge.js';
import { ConfigError } from '../core/errors.js';
import type { RouterEscalation } from '../router.js';

// Checked against the running platforms by escalationFromConfig (config.ts imports this file).
const platformName = z
  .string('should be a platform name like discord')
  .min(1, 'should be a platform name like discord');

/** `"escalation": { "afterMinutes": 10, "platforms": ["discord"], "notify": [{ "platform": "discord", "userId": "…" }] }` */
export const escalationSchema = z
  .strictObject({
    afterMinutes: z.number('should be a number of minutes').positive('should be more than 0 minutes'),
    platforms: z.array(platformName).optional(),
    notify: z
      .array(
        z.strictObject({
          platform: platformName,
          userId: z
            .string("should be the person's user id on that platform, as a string")
            .regex(
              /^[A-Za-z0-9_-]{1,40}$/,
              "should be the person's user id on that platform (letters and digits)",
            ),
        }),
      )
      .optional(),
  })
  .refine((e) => (e.platforms?.length ?? 0) > 0 || (e.notify?.length ?? 0) > 0, {
    message: 'escalation needs "platforms" (asked later) or "notify" (people called by name), or both',
  });

/**
 * The section as router options for the running bridges.
 * @throws ConfigError naming the platform when the section names one that is not running, or asks every one later.
 */
export function escalationFromConfig(
  section: z.infer<typeof escalationSchema>,
  bridges: readonly Bridge[],
): RouterEscalation {
  const running = bridges.map((b) => b.platform).join(', ');
  const bridgeOf = (platform: string, where: string): Bridge => {
    const bridge = bridges.find((b) => b.platform === platform);
    if (!bridge) {
      throw new ConfigError(
        `escalation.${where}: "${platform}" is not one of the platforms running here (${running}). Fix: configure ${platform}, or remove it from escalation.${where}.`,
      );
    }
    return bridge;
  };
  const to = (section.platforms ?? []).map((p) => bridgeOf(p, 'platforms'));
  if (to.length > 0 && to.length >= bridges.length) {
    throw new ConfigError(
      `escalation.platforms lists every running platform (${running}): nobody would be asked first. Fix: leave at least one platform out.`,
    );
  }
  return {
    to,
    afterMs: section.afterMinutes * 60_000,
    ...(section.notify
      ? { notify: section.notify.map((n) => ({ bridge: bridgeOf(n.platform, 'notify'), userId: n.userId })) }
      : {}),
  };
}
