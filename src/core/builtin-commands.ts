/**
 * The built-in commands every bridge has: `help`, `status` (the application's answer, or the thread's requests and
 * timers, plus reminders), `stop` and `usage`. Turned off one by one with `disabledCommands`.
 * @module
 */
import { escapeMarkdown } from './approvals/cards.js';
import type { InboundParts } from './bridge-inbound.js';
import type { BuiltinCommand, CommandDef } from './commands.js';
import type { ThreadId } from './types.js';

/** Register the built-in commands (`help`, `status`, `stop`, `usage`) except the disabled ones. */
export function registerBuiltinCommands(d: InboundParts): void {
  const { commands, disabledCommands, host } = d;
  const { handlers } = host;
  const builtins: Record<BuiltinCommand, CommandDef> = {
    help: { description: 'Show available commands', handler: () => commands.helpText() },
    status: {
      description: 'Show status',
      handler: async ({ threadId, user }) =>
        [
          (await handlers.onStatusRequest(threadId, user)) ?? defaultStatus(d, threadId),
          ...reminderStatus(d, threadId),
        ].join('\n'),
    },
    stop: {
      description: 'Stop / interrupt the agent',
      threadOnly: true,
      handler: async ({ threadId, user }) => {
        if (threadId === undefined) return undefined;
        if (!handlers.has('onStopRequest')) return 'Nothing to stop: no agent is connected to this thread.';
        return (await handlers.onStopRequest(threadId, user)) ?? '🛑 Stop requested.';
      },
    },
    usage: {
      description: 'Show token usage and cost',
      handler: async ({ threadId, user }) =>
        (await handlers.onUsageRequest(threadId, user)) ?? 'No usage information is available.',
    },
  };
  for (const [name, def] of Object.entries(builtins)) {
    if (!disabledCommands.includes(name as BuiltinCommand)) commands.register(name, def);
  }
}

/** Reminder settings and the next reminders, in a thread with requests waiting. */
function reminderStatus(d: InboundParts, threadId: ThreadId | undefined): string[] {
  const { flow } = d;
  if (threadId === undefined) return [];
  const key = d.host.key(threadId);
  return flow.pending.listOpen(key).length > 0 ? flow.reminders.statusLines(key) : [];
}

/** The status of a thread (its requests and timers), or the list of threads outside one. */
function defaultStatus(d: InboundParts, threadId: ThreadId | undefined): string {
  const { flow, host } = d;
  if (threadId === undefined) {
    const threads = host.listThreads();
    return threads.length === 0
      ? 'No agent threads yet.'
      : [`**${threads.length} thread(s)**`, ...threads.map((t) => `• ${escapeMarkdown(t.name)}`)].join('\n');
  }
  const thread = host.getThread(threadId);
  const key = d.host.key(threadId);
  const open = flow.pending.listOpen(key).length;
  const timers = flow.timers.active(key).map((t) => {
    const label = t.scope === 'all' ? 'all tools' : t.scope === 'tool' ? t.key : `dir ${t.key}`;
    return `• ${escapeMarkdown(label)}: ${Math.ceil(t.remainingMs / 60_000)} min left`;
  });
  return [
    `**${escapeMarkdown(thread?.name ?? threadId)}**`,
    `Pending requests: ${open}`,
    timers.length > 0 ? `Auto-approve timers:\n${timers.join('\n')}` : 'No auto-approve timers.',
  ].join('\n');
}
