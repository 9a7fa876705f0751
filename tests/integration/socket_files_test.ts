// The socket's file against other users and other processes (behaviour §2.1, §10.1; issue 10
// items 1, 4, 5 and 10): no file's mode changed through a link renamed into place, no socket
// outside the allowed directories through a symlinked parent, a live socket never taken for
// stale, only the adapter's own inode removed, every failure to set up reported, directories
// created 0755 whatever the umask.
import assert from "node:assert/strict";
import {
  adapterArgs,
  pathExists,
  sendDatagram,
  spawnAdapter,
  tempDir,
  waitForRecord,
} from "../helpers/adapter_process.ts";
import {
  AS_NOBODY,
  denoForOthers,
  errorRecords,
  NOBODY,
  pythonForOthers,
  records,
  startOutcome,
  withMessage,
} from "../fixtures/hardening/support.ts";
import { needs } from "../helpers/tools.ts";

const HARDENING = new URL("../fixtures/hardening/", import.meta.url).pathname;

/** A directory outside /run, /var/run and /tmp, as root's files are; removed by the caller. */
function outsideDir(): string {
  return Deno.makeTempDirSync({ dir: "/var/lib", prefix: "sd-notify-adapter-test-" });
}

/** Two CPUs this process may run on (first and last allowed), or none when there is one. */
function cpuPair(): [string, string] | [] {
  const list = Deno.readTextFileSync("/proc/self/status").match(/^Cpus_allowed_list:\s*(\S+)$/m)
    ?.[1] ?? "";
  const cpus = list.split(",").flatMap((range) => {
    const [first, last = first] = range.split("-").map(Number);
    return Array.from({ length: last - first + 1 }, (_, i) => String(first + i));
  });
  return cpus.length >= 2 ? [cpus[0], cpus.at(-1)!] : [];
}

function inode(path: string): { dev: number; ino: number } {
  const { dev, ino } = Deno.lstatSync(path);
  return { dev, ino: ino! };
}

/** A python3 process holding a datagram socket bound at `path`; resolves once it is bound. */
async function pythonSocket(path: string): Promise<Deno.ChildProcess> {
  const child = new Deno.Command("python3", {
    args: [
      "-c",
      "import socket, sys, time\n" +
      "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n" +
      "s.bind(sys.argv[1])\n" +
      "print('bound', flush=True)\n" +
      "time.sleep(60)\n",
      path,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const line = await firstLine(child);
  if (line !== "bound") {
    await endProcess(child);
    throw new Error(`python3 did not bind ${path}: ${JSON.stringify(line)}`);
  }
  return child;
}

/** The first line a child writes on stdout. */
async function firstLine(child: Deno.ChildProcess): Promise<string> {
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return text.split("\n")[0];
}

async function endProcess(child: Deno.ChildProcess) {
  try {
    child.kill("SIGKILL");
  } catch {
    // Already gone.
  }
  await child.status;
  await child.stdout?.cancel().catch(() => {});
}

Deno.test(
  "socket files: a symlink renamed over the fresh socket never has its target's mode changed",
  needs("python3", "util-linux"),
  async () => {
    // The directory belongs to nobody, who renames a link to root's 0600 file over the socket
    // the moment it appears, 20 starts in a row.
    const dir = tempDir();
    const outside = outsideDir();
    const victim = `${outside}/victim`;
    Deno.writeTextFileSync(victim, "root's secret\n", { mode: 0o600 });
    Deno.chmodSync(victim, 0o600);
    Deno.chownSync(dir.path, NOBODY, NOBODY);
    const path = `${dir.path}/notify.sock`;
    const count = `${dir.path}/renames`;
    // On a CPU of its own at the highest priority, the adapter on another: on a loaded machine
    // the attacker still sees each window (on old main it won within the first few starts).
    const [adapterCpu, attackerCpu] = cpuPair();
    const attacker = new Deno.Command("nice", {
      args: [
        "-n",
        "-20",
        ...(attackerCpu === undefined ? [] : ["taskset", "-c", attackerCpu]),
        "setpriv",
        ...AS_NOBODY,
        pythonForOthers(),
        `${HARDENING}rename_symlink_over.py`,
        path,
        victim,
        count,
      ],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const seen: string[] = [];
    const exits: number[] = [];
    let renames = 0;
    try {
      assert.equal(await firstLine(attacker), "watching");
      for (let start = 0; start < 20; start++) {
        const adapter = await spawnAdapter({
          command: adapterCpu === undefined ? Deno.execPath() : "taskset",
          args: [
            ...(adapterCpu === undefined ? [] : ["-c", adapterCpu, Deno.execPath()]),
            ...adapterArgs(),
          ],
          env: { NOTIFY_SOCKET: path },
          waitHealthy: false,
        });
        const { exit } = await startOutcome(adapter);
        exits.push(exit.code);
        const info = Deno.lstatSync(victim);
        seen.push(`0${(info.mode! & 0o7777).toString(8)} uid ${info.uid}`);
        if (seen.at(-1) !== "0600 uid 0") break;
        // What the attacker left at the path goes (root removes it in nobody's directory).
        try {
          Deno.removeSync(path);
        } catch {
          // Nothing there.
        }
      }
    } finally {
      await endProcess(attacker);
      renames = pathExists(count) ? Deno.readTextFileSync(count).split("\n").length - 1 : 0;
      Deno.removeSync(outside, { recursive: true });
      dir.remove();
    }
    assert.deepEqual(seen, Array(20).fill("0600 uid 0"), `exit statuses ${exits}`);
    // The race was run: a link was renamed over a fresh socket of the adapter's.
    assert.ok(renames >= 1, `renames: ${renames}`);
  },
);

Deno.test(
  "socket files: a symlinked parent that leads outside /run, /var/run, /tmp is refused, nothing created",
  needs("python3", "util-linux"),
  async () => {
    const dir = tempDir();
    const outside = outsideDir();
    const target = `${outside}/dir`;
    Deno.mkdirSync(target);
    Deno.symlinkSync(target, `${dir.path}/link`);
    const results: { code: number; ran: boolean; errors: number; message: unknown }[] = [];
    const expected: typeof results = [];
    let created: string[];
    try {
      // The parent exists, or is still to be created under the link.
      for (const socket of ["a.sock", "sub/a.sock"]) {
        const notifySocket = `${dir.path}/link/${socket}`;
        const adapter = await spawnAdapter({
          env: { NOTIFY_SOCKET: notifySocket },
          waitHealthy: false,
        });
        const { exit, ran } = await startOutcome(adapter);
        const errors = errorRecords(exit.stderr);
        results.push({ code: exit.code, ran, errors: errors.length, message: errors[0]?.message });
        expected.push({
          code: 2,
          ran: false,
          errors: 1,
          message:
            `Cannot use NOTIFY_SOCKET ${JSON.stringify(notifySocket)} (really ${
              JSON.stringify(`${target}/${socket}`)
            }): the adapter's permissions allow sockets only under /run, /var/run, /tmp, or an ` +
            "abstract socket @name",
        });
      }
    } finally {
      created = [...Deno.readDirSync(target)].map((entry) => entry.name);
      Deno.removeSync(outside, { recursive: true });
      dir.remove();
    }
    assert.deepEqual(results, expected);
    assert.deepEqual(created, [], "nothing is created outside the allowed directories");
  },
);

Deno.test(
  "socket files: a second adapter on a live adapter's path is refused; the first keeps its socket",
  needs("python3", "util-linux"),
  async () => {
    const dir = tempDir();
    const path = `${dir.path}/notify.sock`;
    const first = await spawnAdapter({ env: { NOTIFY_SOCKET: path } });
    try {
      const before = inode(path);
      const second = await spawnAdapter({ env: { NOTIFY_SOCKET: path }, waitHealthy: false });
      const { exit, ran } = await startOutcome(second);
      assert.equal(ran, false, "the second adapter must not start");
      assert.equal(exit.code, 1, exit.stderr);
      const errors = errorRecords(exit.stderr);
      assert.equal(errors.length, 1, exit.stderr);
      const refusal = `Refusing NOTIFY_SOCKET ${
        JSON.stringify(path)
      }: another process is listening`;
      assert.ok(String(errors[0].message).startsWith(refusal), String(errors[0].message));
      assert.deepEqual(inode(path), before, "the first adapter's socket file is kept");
      await first.send("READY=1");
      await first.waitFor(async () => (await first.request("/readyz")).status === 200, "ready");
      const stopped = await first.stop();
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.equal(pathExists(path), false, "the first adapter removes its own socket");
    } finally {
      await first.stop("SIGKILL");
      dir.remove();
    }
  },
);

Deno.test(
  "socket files: another program's live socket at NOTIFY_SOCKET is refused and left",
  needs("python3", "util-linux"),
  async () => {
    const dir = tempDir();
    const path = `${dir.path}/manager.sock`;
    let owner: Deno.ChildProcess | undefined;
    try {
      owner = await pythonSocket(path);
      const before = inode(path);
      const adapter = await spawnAdapter({ env: { NOTIFY_SOCKET: path }, waitHealthy: false });
      const { exit, ran } = await startOutcome(adapter);
      assert.equal(ran, false, "the adapter must not start");
      assert.equal(exit.code, 1, exit.stderr);
      const errors = errorRecords(exit.stderr);
      assert.equal(errors.length, 1, exit.stderr);
      assert.match(String(errors[0].message), /another process is listening on it/);
      assert.deepEqual(inode(path), before);
      // And it still reaches its owner (a send to a socket nobody holds is refused).
      await sendDatagram(path, "READY=1");
    } finally {
      if (owner !== undefined) await endProcess(owner);
      dir.remove();
    }
  },
);

Deno.test(
  "socket files: the socket of a killed process is stale and replaced",
  needs("python3", "util-linux"),
  async () => {
    const dir = tempDir();
    const path = `${dir.path}/notify.sock`;
    try {
      await endProcess(await pythonSocket(path));
      assert.ok(Deno.lstatSync(path).isSocket);
    } catch (error) {
      dir.remove();
      throw error;
    }
    const adapter = await spawnAdapter({ env: { NOTIFY_SOCKET: path } });
    try {
      await waitForRecord(adapter, "Adapter ready");
      assert.deepEqual(
        withMessage(adapter, "Stale socket replaced").map(({ level, socket }) => ({
          level,
          socket,
        })),
        [{ level: "info", socket: path }],
      );
      await adapter.send("READY=1");
      await adapter.waitFor(async () => (await adapter.request("/readyz")).status === 200, "ready");
      const exit = await adapter.stop();
      assert.equal(exit.code, 0, exit.stderr);
      assert.equal(pathExists(path), false);
    } finally {
      await adapter.stop("SIGKILL");
      dir.remove();
    }
  },
);

Deno.test(
  "socket files: on exit the adapter leaves a socket that was renamed over its own",
  needs("python3", "util-linux"),
  async () => {
    const dir = tempDir();
    const path = `${dir.path}/notify.sock`;
    const adapter = await spawnAdapter({ env: { NOTIFY_SOCKET: path } });
    const spare = `${dir.path}/replacement.sock`;
    const replacement = Deno.listenDatagram({ transport: "unixpacket", path: spare });
    try {
      const theirs = inode(spare);
      Deno.renameSync(spare, path);
      const exit = await adapter.stop();
      assert.equal(exit.code, 0, exit.stderr);
      assert.equal(pathExists(path), true, "the replacement is still there");
      assert.deepEqual(inode(path), theirs);
    } finally {
      await adapter.stop("SIGKILL");
      replacement.close();
      dir.remove();
    }
  },
);

Deno.test(
  "socket files: a stale socket the adapter cannot remove: exit 1, one error record, with or without ADAPTER_LOG",
  needs("python3", "util-linux"),
  async () => {
    // The adapter runs as nobody; the stale socket is root's, in a sticky directory.
    const dir = tempDir();
    const deno = denoForOthers(dir.path);
    const sticky = `${dir.path}/sticky`;
    Deno.mkdirSync(sticky);
    Deno.chmodSync(sticky, 0o1777);
    const path = `${sticky}/notify.sock`;
    Deno.listenDatagram({ transport: "unixpacket", path }).close();
    // Mode 0666: nobody can connect, and so finds it stale; only root may remove it from the
    // sticky directory.
    Deno.chmodSync(path, 0o666);
    const before = inode(path);
    try {
      for (const log of ["true", "false"]) {
        const adapter = await spawnAdapter({
          command: "setpriv",
          args: [...AS_NOBODY, deno, ...adapterArgs()],
          env: {
            NOTIFY_SOCKET: path,
            ADAPTER_LOG: log,
            HOME: sticky,
            DENO_DIR: `${sticky}/deno-dir`,
          },
          waitHealthy: false,
        });
        const { exit, ran } = await startOutcome(adapter);
        assert.equal(ran, false, "the adapter must not start");
        assert.equal(exit.code, 1, `ADAPTER_LOG=${log}, stderr: ${JSON.stringify(exit.stderr)}`);
        const errors = errorRecords(exit.stderr);
        assert.equal(errors.length, 1, exit.stderr);
        assert.equal(errors[0].exitStatus, 1);
        assert.ok(
          String(errors[0].message).startsWith(
            `Cannot remove the stale socket at NOTIFY_SOCKET ${
              JSON.stringify(path)
            }: Operation not permitted`,
          ),
          String(errors[0].message),
        );
        // What was logged before the failure is not lost either.
        const messages = records(exit.stderr).map((record) => record.message);
        assert.deepEqual(
          messages,
          log === "true"
            ? ["Configuration", "Open files limit", errors[0].message]
            : [errors[0].message],
        );
        assert.deepEqual(inode(path), before);
      }
    } finally {
      dir.remove();
    }
  },
);

Deno.test(
  "socket files: NOTIFY_SOCKET ending in / is refused with exit 2 and creates nothing",
  needs("python3", "util-linux"),
  async () => {
    const dir = tempDir();
    const notifySocket = `${dir.path}/newdir/`;
    try {
      const adapter = await spawnAdapter({
        env: { NOTIFY_SOCKET: notifySocket },
        waitHealthy: false,
      });
      const { exit, ran } = await startOutcome(adapter);
      assert.equal(pathExists(`${dir.path}/newdir`), false, "newdir is not created");
      assert.equal(ran, false);
      assert.equal(exit.code, 2, exit.stderr);
      const errors = errorRecords(exit.stderr);
      assert.equal(errors.length, 1, exit.stderr);
      assert.equal(errors[0].variable, "NOTIFY_SOCKET");
      assert.match(String(errors[0].message), /^Cannot parse NOTIFY_SOCKET /);
    } finally {
      dir.remove();
    }
  },
);

Deno.test(
  "socket files: directories the adapter creates are 0755 under umask 077 and umask 0",
  needs("python3", "util-linux"),
  async () => {
    const dir = tempDir();
    const umasks = ["077", "0"];
    const mode = (path: string) => `0${(Deno.lstatSync(path).mode! & 0o7777).toString(8)}`;
    try {
      const modes = await Promise.all(umasks.map(async (umask) => {
        const socket = `${dir.path}/${umask}/made/notify.sock`;
        const adapter = await spawnAdapter({
          command: "sh",
          args: ["-c", `umask ${umask}; exec "$0" "$@"`, Deno.execPath(), ...adapterArgs()],
          env: { NOTIFY_SOCKET: socket },
        });
        try {
          return {
            umask,
            top: mode(`${dir.path}/${umask}`),
            made: mode(`${dir.path}/${umask}/made`),
            socket: mode(socket),
            exit: (await adapter.stop()).code,
          };
        } finally {
          await adapter.stop("SIGKILL");
        }
      }));
      assert.deepEqual(
        modes,
        umasks.map((umask) => ({ umask, top: "0755", made: "0755", socket: "0666", exit: 0 })),
      );
    } finally {
      dir.remove();
    }
  },
);
