import { constants, setPriority } from 'node:os';

/**
 * Puts the calling thread at the lowest CPU priority (nice 19), for a worker whose work can always
 * wait: the WAL checkpointer.
 *
 * Why: a commit's fsync puts the main thread to sleep, and when the disk answers, Linux queues it on
 * a core where a sibling thread may be running; at equal priority the running thread keeps the core
 * for the rest of its time slice, milliseconds. Traced with ftrace (block requests, fsync, scheduler
 * switches) during back-to-back claim + submit rounds on the 100k bench store, ~1,930 WAL fsyncs per
 * run: the main thread waited behind the checkpointer in 6 of 57 and 5 of 23 fsyncs over 1.2 ms; at
 * nice 19, in 0 of 20 and 1 of 36.
 *
 * Linux only: there a nice value belongs to a thread, and setpriority(2) on id 0 changes the calling
 * thread alone; on macOS and Windows the same call would lower the whole app.
 */
export function lowerThisThreadPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(0, constants.priority.PRIORITY_LOW);
  } catch {
    // A sandbox may forbid it: the checkpointer works the same, only less politely.
  }
}
