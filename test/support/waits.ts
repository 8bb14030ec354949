/**
 * How long a test waits for an event of a real process (a CLI, an agent binary, Chromium): generous, because
 * real processes are slow to start on a loaded machine, and a generous wait costs nothing when things go well.
 */
export const REAL_PROCESS_WAIT_MS = 60_000;
