/**
 * Watching a process the adapter did not start (behaviour §11.4), through a pidfd: a file
 * descriptor that `pidfd_open(2)` ties to the process itself, not to its number. Once the
 * process has ended the descriptor polls readable (`POLLIN`), and no later process that gets
 * the same PID can be taken for it: the number is looked up once, when the adapter learns it.
 * A pidfd touches no file, so the permission set needs no read right on `/proc`.
 *
 * The descriptor is polled with a timeout of 0, never waited on: one `poll()` is about a
 * microsecond (bench/main_watch.bench.ts), and the adapter polls 4 times a second.
 *
 * @module
 */

import { errnoName, type Libc, readableNow } from "./libc.ts";

/** A process watched through its pidfd. */
export interface WatchedProcess {
  /** Its process ID, as the adapter learned it. */
  readonly pid: number;
  /** Whether it has ended (exited, or a zombie); never waits. */
  hasEnded(): boolean;
  /** Closes the pidfd. */
  close(): void;
}

/** Why a process cannot be watched: not there, a thread, ended, or no pidfd (and why not). */
export interface WatchFailure {
  /**
   * `absent`: no such process; `thread`: the ID of a thread that leads no process; `ended`: it
   * has ended; `error`: no pidfd, `detail` says why.
   */
  readonly reason: "absent" | "thread" | "ended" | "error";
  /** For `error`: what failed. */
  readonly detail: string;
}

/** Opens a pidfd for `pid` and looks once: the watched process, or why it cannot be watched. */
export function watchProcess(libc: Libc, pid: number): WatchedProcess | WatchFailure {
  if (libc.pidfd_open === null) {
    return { reason: "error", detail: "libc has no pidfd_open (glibc 2.36 or later has it)" };
  }
  const fd = libc.pidfd_open(pid, 0);
  if (fd < 0) {
    const errno = errnoName(libc);
    if (errno === "ESRCH") return { reason: "absent", detail: "" };
    // A thread that leads no process: ENOENT from Linux 6.9 on, EINVAL before (the flags and
    // the PID, from 1 up, are valid).
    if (errno === "ENOENT" || errno === "EINVAL") return { reason: "thread", detail: "" };
    const hint = errno === "ENOSYS" ? " (Linux 5.3 or later has it)" : "";
    return { reason: "error", detail: `pidfd_open: ${errno}${hint}` };
  }
  // Readable once the process has ended.
  const ended = readableNow(libc, fd);
  let closed = false;
  const watched: WatchedProcess = {
    pid,
    hasEnded: () => closed || ended(),
    close() {
      if (closed) return;
      closed = true;
      libc.close(fd);
    },
  };
  // A zombie is no main process: systemd refuses one that "does not exist or is a zombie".
  if (watched.hasEnded()) {
    watched.close();
    return { reason: "ended", detail: "" };
  }
  return watched;
}
