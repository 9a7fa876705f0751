import assert from "node:assert/strict";
import { adapterArgs, spawnAdapter, tempDir } from "../helpers/adapter_process.ts";
import { needs } from "../helpers/tools.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const FIXTURES = new URL("../fixtures/", import.meta.url).pathname;

/** `sd-notify-adapter notify args…` as `deno task start` runs it, with `NOTIFY_SOCKET` set or not. */
function notify(args: readonly string[], notifySocket: string | undefined) {
  const env = Deno.env.toObject();
  delete env.NOTIFY_SOCKET;
  if (notifySocket !== undefined) env.NOTIFY_SOCKET = notifySocket;
  return new Deno.Command(Deno.execPath(), {
    args: [...adapterArgs(), "notify", ...args],
    cwd: ROOT,
    clearEnv: true,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function result(child: Deno.ChildProcess) {
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/** The Python receiver of tests/fixtures, and its output lines as they come. */
async function startReceiver(address: string) {
  const child = new Deno.Command("python3", {
    args: [`${FIXTURES}receiver.py`, address],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).values();
  let buffered = "";
  const nextLine = async (): Promise<string> => {
    while (!buffered.includes("\n")) {
      const { value, done } = await lines.next();
      if (done) throw new Error(`receiver.py ended; got ${JSON.stringify(buffered)}`);
      buffered += value;
    }
    const end = buffered.indexOf("\n");
    const line = buffered.slice(0, end);
    buffered = buffered.slice(end + 1);
    return line;
  };
  assert.equal(await nextLine(), "bound");
  const stop = async () => {
    child.kill("SIGKILL");
    await child.status;
    await lines.return?.();
  };
  return { nextLine, stop };
}

Deno.test(
  "notify turns a running adapter ready, lines in the order given",
  needs("python3"),
  async () => {
    const adapter = await spawnAdapter();
    try {
      const sent = await result(
        notify(
          ["--ready", "--status=up and running", "X_TEST=1", "--reloading"],
          adapter.notifySocket,
        ),
      );
      assert.deepEqual(sent, { code: 0, stdout: "", stderr: "" });
      await adapter.waitFor(() => adapter.stdout() !== "", "the echo");
      assert.equal(adapter.stdout(), "READY=1\nSTATUS=up and running\nX_TEST=1\nRELOADING=1\n");
      // READY=1 and RELOADING=1 in one datagram: reloading wins for readyz (behaviour §3).
      assert.equal((await adapter.request("/readyz")).status, 503);
      assert.equal((await adapter.request("/livez")).status, 200);
      assert.equal((await adapter.request("/status")).json.statusText, "up and running");
    } catch (error) {
      await adapter.stop();
      throw error;
    }
    assert.equal((await adapter.stop()).code, 0);
  },
);

Deno.test(
  "notify works from a wrapped command, as in an image without systemd tools",
  needs("python3"),
  async () => {
    const dir = tempDir();
    try {
      const notifyCommand = [Deno.execPath(), ...adapterArgs(), "notify", "--ready"]
        .map((arg) => `'${arg}'`).join(" ");
      const adapter = await spawnAdapter({
        args: ["run", "--", "sh", "-c", `${notifyCommand} && exec sleep 60`],
        env: { NOTIFY_SOCKET: `${dir.path}/notify.sock` },
      });
      await adapter.waitFor(
        async () => (await adapter.request("/readyz")).status === 200,
        "/readyz 200",
      );
      const exit = await adapter.stop("SIGTERM");
      assert.equal(exit.code, 143);
      assert.equal(exit.stdout, "READY=1\n");
    } finally {
      dir.remove();
    }
  },
);

Deno.test(
  "notify sends one datagram with credentials to a plain receiver, as systemd reads it",
  needs("python3"),
  async () => {
    const dir = tempDir();
    try {
      for (
        const address of [`${dir.path}/receiver.sock`, `@sd-notify-test-${crypto.randomUUID()}`]
      ) {
        const receiver = await startReceiver(address);
        try {
          const child = notify(["--status=hello", "--ready", "--stopping"], address);
          const { pid } = child;
          assert.deepEqual(await result(child), { code: 0, stdout: "", stderr: "" });
          // systemd drops a notification without SCM_CREDENTIALS: the kernel must add them.
          assert.deepEqual(JSON.parse(await receiver.nextLine()), {
            text: "STATUS=hello\nREADY=1\nSTOPPING=1",
            pid,
          });
        } finally {
          await receiver.stop();
        }
      }
    } finally {
      dir.remove();
    }
  },
);

Deno.test("notify exits 1 with a clear message when it cannot send", needs("python3"), async () => {
  const dir = tempDir();
  try {
    const missing = `${dir.path}/missing.sock`;
    const cases: [string | undefined, string][] = [
      [undefined, "Cannot notify: NOTIFY_SOCKET is not set\n"],
      [
        missing,
        `Cannot send to NOTIFY_SOCKET "${missing}": nothing listens there (No such file or directory (os error 2))\n`,
      ],
      [
        "@sd-notify-test-nobody",
        'Cannot send to NOTIFY_SOCKET "@sd-notify-test-nobody": nothing listens there (Connection refused (os error 111))\n',
      ],
    ];
    for (const [notifySocket, stderr] of cases) {
      assert.deepEqual(await result(notify(["--ready"], notifySocket)), {
        code: 1,
        stdout: "",
        stderr,
      });
    }
  } finally {
    dir.remove();
  }
});

/** `notify args…` to `notifySocket`: its result and how long the process took to end. */
async function timedNotify(args: readonly string[], notifySocket: string) {
  const started = performance.now();
  const outcome = await result(notify(args, notifySocket));
  return { ...outcome, elapsedMs: performance.now() - started };
}

// A datagram socket bound at argv[1] that never reads, its queue filled until a send would
// block: a receiver that hangs.
const FULL_RECEIVER = `
import socket, sys, time
receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
receiver.bind(sys.argv[1])
filler = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
filler.setblocking(False)
try:
    while True:
        filler.sendto(b"X_FILL=1", sys.argv[1])
except BlockingIOError:
    pass
print("full", flush=True)
time.sleep(60)
`;

Deno.test("notify ends the moment its datagram is sent (behaviour §8.1)", async () => {
  const adapter = await spawnAdapter({ env: { ADAPTER_LOG: "false" } });
  try {
    const { elapsedMs, ...sent } = await timedNotify(["--ready"], adapter.notifySocket);
    assert.deepEqual(sent, { code: 0, stdout: "", stderr: "" });
    // It used to wait out its 5 s send limit after sending.
    assert.ok(elapsedMs < 2_500, `notify took ${Math.round(elapsedMs)} ms`);
    await adapter.waitFor(() => adapter.stdout() === "READY=1\n", "the echo");
  } finally {
    await adapter.stop();
  }
});

Deno.test(
  "notify gives up on a receiver that never reads, after its 5 s, and ends",
  needs("python3"),
  async () => {
    const dir = tempDir();
    const path = `${dir.path}/full.sock`;
    const receiver = new Deno.Command("python3", {
      args: ["-c", FULL_RECEIVER, path],
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    try {
      let said = "";
      const chunks = receiver.stdout.pipeThrough(new TextDecoderStream()).values();
      while (!said.includes("\n")) said += (await chunks.next()).value ?? "\n";
      await chunks.return?.();
      assert.equal(said, "full\n");
      const { elapsedMs, ...sent } = await timedNotify(["--ready"], path);
      assert.deepEqual(sent, {
        code: 1,
        stdout: "",
        stderr: `Cannot send to NOTIFY_SOCKET "${path}": timed out after 5000 ms\n`,
      });
      assert.ok(elapsedMs >= 5_000 && elapsedMs < 9_000, `notify took ${Math.round(elapsedMs)} ms`);
    } finally {
      receiver.kill("SIGKILL");
      await receiver.status;
      dir.remove();
    }
  },
);
