/**
 * How a wrapped command's end becomes the adapter's exit status (SPEC §8): its own status, or
 * 128 + the signal number when a signal ended it, as a shell reports it.
 *
 * @module
 */

/** Linux signal numbers (x86-64 and arm64), by the names Deno reports. */
export const SIGNAL_NUMBERS: Readonly<Partial<Record<Deno.Signal, number>>> = Object.freeze({
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPOLL: 29,
  SIGPWR: 30,
  SIGSYS: 31,
});

/** A child's end as `Deno.ChildProcess.status` reports it. */
export interface ChildStatus {
  readonly code: number;
  readonly signal: Deno.Signal | null;
}

/** The exit status the adapter ends with, and the reason it logs. */
export interface ChildExit {
  readonly exitStatus: number;
  readonly reason: string;
}

/** The adapter's exit status for a child that ended with `status`, and why. */
export function childExit({ code, signal }: ChildStatus): ChildExit {
  if (signal === null) return { exitStatus: code, reason: `child exited with status ${code}` };
  const number = SIGNAL_NUMBERS[signal];
  // An unknown name keeps the code Deno computed, which is already 128 + the number.
  return {
    exitStatus: number === undefined ? code : 128 + number,
    reason: `child killed by ${signal}`,
  };
}
