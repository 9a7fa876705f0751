import assert from "node:assert/strict";
import denoConfig from "../../deno.json" with { type: "json" };
import {
  LIBC_PATHS,
  pidFilePathProblem,
  SOCKET_DIRECTORIES,
  socketPathProblem,
  TERMINATION_LOG_PATH,
  terminationPathProblem,
} from "../../lib/shell/permissions.ts";
import { adapterArgs, tempDir } from "../helpers/adapter_process.ts";

const outside = (text: string) =>
  `Cannot use NOTIFY_SOCKET ${JSON.stringify(text)}: the adapter's permissions allow sockets ` +
  "only under /run, /var/run, /tmp, or an abstract socket @name";

/** Runs `script` with the start task's permission flags (the adapter's permission set). */
function withAdapterPermissions(script: string, args: string[] = []): string {
  const flags = adapterArgs().slice(0, -1);
  // The fixture lies under tests/, whose own deno.json (test packages) would be found first.
  const config = new URL("../../deno.json", import.meta.url).pathname;
  const output = new Deno.Command(Deno.execPath(), {
    args: [...flags, "--config", config, new URL(script, import.meta.url).pathname, ...args],
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  return new TextDecoder().decode(output.stdout);
}

Deno.test("socketPathProblem() lets a socket be only where read and write are granted", () => {
  const grantedUnder = (directory: string) => (descriptor: Deno.PermissionDescriptor) =>
    "path" in descriptor && String(descriptor.path).startsWith(directory) ? "granted" : "prompt";
  assert.equal(socketPathProblem("/run/a.sock", "/run/a.sock", grantedUnder("/run/")), undefined);
  assert.equal(
    socketPathProblem("/srv/a.sock", "/srv/a.sock", grantedUnder("/run/")),
    outside("/srv/a.sock"),
  );
  const writeOnly = (descriptor: Deno.PermissionDescriptor) =>
    descriptor.name === "write" ? "granted" : "denied";
  assert.equal(
    socketPathProblem("/run/a.sock", "/run/a.sock", writeOnly),
    outside("/run/a.sock"),
  );
});

Deno.test("socketPathProblem() judges the real path, and names it when a link led elsewhere", () => {
  const grantedUnder = (directory: string) => (descriptor: Deno.PermissionDescriptor) =>
    "path" in descriptor && String(descriptor.path).startsWith(directory) ? "granted" : "prompt";
  assert.equal(
    socketPathProblem("/tmp/link/a.sock", "/etc/a.sock", grantedUnder("/tmp/")),
    'Cannot use NOTIFY_SOCKET "/tmp/link/a.sock" (really "/etc/a.sock"): the adapter\'s ' +
      "permissions allow sockets only under /run, /var/run, /tmp, or an abstract socket @name",
  );
});

Deno.test("the permission set: sockets under SOCKET_DIRECTORIES, the termination log, libc", () => {
  const set = denoConfig.permissions.adapter;
  assert.deepEqual(set.read, SOCKET_DIRECTORIES);
  assert.deepEqual(set.write, [...SOCKET_DIRECTORIES, TERMINATION_LOG_PATH]);
  assert.deepEqual(set.ffi, LIBC_PATHS);
  // Wrapper mode starts any command; every other job drops the right (see the last test).
  assert.equal(set.run, true);
  // The umask around bind(): sys is dropped once the socket is bound.
  assert.equal(set.sys, true);
});

Deno.test("under the adapter's permission set, sockets may live under /run, /var/run, /tmp only", () => {
  const paths = [
    "/var/run/adapter/adapter.sock", // the default
    "/run/adapter/adapter.sock",
    "/tmp/sd-notify-adapter-test/a.sock",
    "/var/tmp/a.sock",
    "/tmpx/a.sock",
    "/tmp/../etc/a.sock",
    "/home/service/a.sock",
  ];
  const output = withAdapterPermissions("../fixtures/socket_permission.ts", paths);
  assert.deepEqual(JSON.parse(output), [
    null,
    null,
    null,
    outside("/var/tmp/a.sock"),
    outside("/tmpx/a.sock"),
    outside("/tmp/../etc/a.sock"),
    outside("/home/service/a.sock"),
  ]);
});

const cannotWrite = (path: string) =>
  `Cannot use ADAPTER_TERMINATION_MESSAGE_PATH ${JSON.stringify(path)}: the adapter may write ` +
  "only /dev/termination-log or a file under /run, /var/run or /tmp";

Deno.test("terminationPathProblem() lets the message go only where write is granted", () => {
  const writeUnderRun = (descriptor: Deno.PermissionDescriptor) =>
    descriptor.name === "write" && String(descriptor.path).startsWith("/run/")
      ? "granted"
      : "prompt";
  assert.equal(terminationPathProblem("/run/x", writeUnderRun), undefined);
  assert.equal(terminationPathProblem(null, writeUnderRun), undefined);
  assert.equal(terminationPathProblem("/etc/passwd", writeUnderRun), cannotWrite("/etc/passwd"));
});

Deno.test("under the adapter's permission set, the termination message may go to its default or under /run, /var/run, /tmp", () => {
  const paths = [
    "/dev/termination-log",
    "/run/termination-log",
    "/var/run/adapter/termination-log",
    "/tmp/termination-log",
    "/etc/passwd",
    "/var/lib/termination-log",
    "/dev/null",
    "/dev/termination-log2",
    "/tmpx/termination-log",
  ];
  const output = withAdapterPermissions("../fixtures/termination_permission.ts", paths);
  assert.deepEqual(JSON.parse(output), [
    null,
    null,
    null,
    null,
    cannotWrite("/etc/passwd"),
    cannotWrite("/var/lib/termination-log"),
    cannotWrite("/dev/null"),
    cannotWrite("/dev/termination-log2"),
    cannotWrite("/tmpx/termination-log"),
  ]);
});

Deno.test("the adapter's permission set grants what it needs, and the drops revoke it", () => {
  const output = withAdapterPermissions("../fixtures/permission_drops.ts");
  const fixed = {
    net: "granted",
    ffiOther: "prompt",
    readRoot: "prompt",
    writeEtc: "prompt",
    writeTerminationLog: "granted",
    readTerminationLog: "prompt",
  };
  assert.deepEqual(JSON.parse(output), {
    before: { env: "granted", run: "granted", sys: "granted", ffiLibc: "granted", ...fixed },
    after: { env: "prompt", run: "prompt", sys: "prompt", ffiLibc: "prompt", ...fixed },
  });
});

Deno.test("pidFilePathProblem() lets the PID file be only where the set grants read (behaviour §1.5)", () => {
  const grantedUnder = (directory: string) => (descriptor: Deno.PermissionDescriptor) =>
    descriptor.name === "read" && "path" in descriptor &&
      String(descriptor.path).startsWith(directory)
      ? "granted"
      : "prompt";
  assert.equal(pidFilePathProblem(null, grantedUnder("/run/")), undefined);
  assert.equal(pidFilePathProblem("/run/redis/redis.pid", grantedUnder("/run/")), undefined);
  assert.equal(
    pidFilePathProblem("/var/lib/postgresql/data/postmaster.pid", grantedUnder("/run/")),
    'Cannot use ADAPTER_UNIT_PID_FILE "/var/lib/postgresql/data/postmaster.pid": the adapter ' +
      "may read only files under /run, /var/run or /tmp",
  );
  // The real permission set, as `deno task start` runs the adapter.
  assert.equal(denoConfig.permissions.adapter.read.join(","), SOCKET_DIRECTORIES.join(","));
});

Deno.test("libc's calls keep working once the right to load libraries is given up (behaviour §10.2)", () => {
  const dir = tempDir();
  try {
    Deno.writeTextFileSync(`${dir.path}/service.pid`, "4242\n");
    const output = withAdapterPermissions("../fixtures/libc_after_revoke.ts", [
      `${dir.path}/service.pid`,
    ]);
    assert.deepEqual(JSON.parse(output), {
      ffi: "prompt",
      endedBefore: false,
      endedAfter: true,
      pidFile: { text: "4242\n" },
    });
  } finally {
    dir.remove();
  }
});
