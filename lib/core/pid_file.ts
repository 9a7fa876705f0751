/**
 * The PID file (behaviour §11.2), systemd's `PIDFile=`: what the shell read of
 * `ADAPTER_UNIT_PID_FILE`, and the process ID its first line names, as PostgreSQL's
 * `postmaster.pid` and `external_pid_file`, or Redis' `pidfile`, write it.
 *
 * @module
 */

import { parsePid } from "./assignments.ts";
import { printable } from "./printable.ts";

/** What reading the PID file gave: its text, or why there is none. */
export type PidFileRead = { readonly text: string } | { readonly problem: string };

/** A PID file is a few bytes (PostgreSQL's has eight short lines); a longer one is refused. */
export const PID_FILE_MAX_BYTES = 4096;

/** The problem of a PID file that does not exist: no warning when it goes away (§11.2). */
export const PID_FILE_MISSING = "does not exist";

// Enough of a line that is not a PID to recognise it in the log, not enough to copy a file.
const EXCERPT_MAX = 16;

/**
 * The process ID the PID file names, on its first line with blanks around it ignored, or why
 * it names none.
 *
 * @example PostgreSQL's postmaster.pid, and a file that is not a PID file
 * ```ts
 * import assert from "node:assert/strict";
 * import { pidInFile } from "./pid_file.ts";
 *
 * assert.deepEqual(pidInFile("4242\n/var/lib/postgresql/data\n1767225600\n5432\n"), { pid: 4242 });
 * assert.deepEqual(pidInFile("ready\n"), { problem: 'its first line "ready" is not a PID' });
 * assert.deepEqual(pidInFile(""), { problem: "is empty" });
 * ```
 */
export function pidInFile(text: string): { readonly pid: number } | { readonly problem: string } {
  const first = text.split("\n", 1)[0].replace(/^[ \t]+|[ \t\r]+$/g, "");
  if (first === "") return { problem: text === "" ? "is empty" : "its first line is empty" };
  const pid = parsePid(first);
  if (pid !== undefined) return { pid };
  const excerpt = [...first].length > EXCERPT_MAX
    ? `${[...first].slice(0, EXCERPT_MAX).join("")}…`
    : first;
  return { problem: `its first line ${JSON.stringify(printable(excerpt))} is not a PID` };
}
