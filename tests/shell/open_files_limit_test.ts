// The open-files limit (behaviour §5.6): raised through libc, logged, and handed to a child as
// it was found. Deno's CLI raises its own soft limit before any code runs, so each test lowers
// this process's soft limit first (through the same libc), and puts it back.
import assert from "node:assert/strict";
import { type Libc, loadLibc } from "../../lib/shell/libc.ts";
import {
  connectionCap,
  logOpenFilesLimit,
  MIN_CONNECTIONS,
  raiseOpenFilesLimit,
  RESERVED_DESCRIPTORS,
  withLimitFoundAtStart,
} from "../../lib/shell/open_files_limit.ts";
import type { LogFields, LogLevel } from "../../lib/core/effects.ts";

const RLIMIT_NOFILE = 7;

function libc(): Libc {
  const loaded = loadLibc();
  if (loaded instanceof Error) throw loaded;
  return loaded;
}

function limits(c: Libc): [soft: number, hard: number] {
  const buffer = new BigUint64Array(2);
  assert.equal(c.getrlimit(RLIMIT_NOFILE, buffer), 0);
  return [Number(buffer[0]), Number(buffer[1])];
}

function setSoft(c: Libc, soft: number) {
  const [, hard] = limits(c);
  assert.equal(c.setrlimit(RLIMIT_NOFILE, new BigUint64Array([BigInt(soft), BigInt(hard)])), 0);
}

/** The soft open-files limit a child process reads in its /proc/self/limits. */
function childSoftLimit(): number {
  const { stdout } = new Deno.Command("sh", {
    args: ["-c", "grep 'Max open files' /proc/self/limits"],
  }).outputSync();
  return Number(new TextDecoder().decode(stdout).split(/\s{2,}/)[1]);
}

Deno.test("raiseOpenFilesLimit() raises the soft limit to the hard one and says from what", () => {
  const c = libc();
  const [soft, hard] = limits(c);
  assert.ok(hard > 128, `hard limit ${hard}`);
  try {
    setSoft(c, 128);
    assert.deepEqual(raiseOpenFilesLimit(c), { soft: hard, hard, raisedFrom: 128 });
    assert.deepEqual(limits(c), [hard, hard]);
    // Raised already: nothing to do, and it says so.
    assert.deepEqual(raiseOpenFilesLimit(c), { soft: hard, hard, raisedFrom: hard });
  } finally {
    setSoft(c, soft);
  }
});

Deno.test("raiseOpenFilesLimit() passes on why libc is not there", () => {
  const error = new Error("Could not open library");
  assert.equal(raiseOpenFilesLimit(error), error);
});

Deno.test("withLimitFoundAtStart() starts a process under the soft limit found at start", () => {
  const c = libc();
  const [soft, hard] = limits(c);
  try {
    setSoft(c, 200);
    const limit = raiseOpenFilesLimit(c);
    assert.equal(childSoftLimit(), hard, "without it, a child inherits the raised limit");
    assert.equal(withLimitFoundAtStart(c, limit, childSoftLimit), 200);
    assert.deepEqual(limits(c), [hard, hard], "raised again after the spawn");
    assert.equal(withLimitFoundAtStart(undefined, limit, childSoftLimit), hard);
    assert.equal(withLimitFoundAtStart(c, new Error("no libc"), childSoftLimit), hard);
  } finally {
    setSoft(c, soft);
  }
});

Deno.test("connectionCap() leaves RESERVED_DESCRIPTORS beside the connections, at least MIN_CONNECTIONS", () => {
  assert.equal(RESERVED_DESCRIPTORS, 64);
  assert.equal(MIN_CONNECTIONS, 8);
  const cap = (soft: number) => connectionCap({ soft, hard: soft, raisedFrom: soft });
  assert.deepEqual([1_048_576, 1024, 320, 319, 128, 72, 71, 48].map(cap), [
    256,
    256,
    256,
    255,
    64,
    8,
    8,
    8,
  ]);
  assert.equal(connectionCap(new Error("no libc")), 256);
});

Deno.test("logOpenFilesLimit() logs the limits and the cap, or a warning when libc is missing", () => {
  const records: [LogLevel, string, LogFields][] = [];
  const logger = {
    log: (level: LogLevel, message: string, fields: LogFields) =>
      records.push([level, message, fields]),
  };
  logOpenFilesLimit(logger, { soft: 128, hard: 128, raisedFrom: 128 });
  logOpenFilesLimit(logger, new Error("libc.so.6: cannot open shared object file"));
  assert.deepEqual(records, [
    ["info", "Open files limit", { soft: 128, hard: 128, raisedFrom: 128, maxConnections: 64 }],
    ["warning", "Open files limit not raised", {
      error: "libc.so.6: cannot open shared object file",
      maxConnections: 256,
    }],
  ]);
});
