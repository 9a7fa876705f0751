// The HAProxy recipe (examples/services/haproxy/): Debian's HAProxy 2.6 in master-worker mode
// (`haproxy -Ws`) under `sd-notify-adapter run --`. The master sends RELOADING=1 each time it
// re-executes itself (src/haproxy.c, mworker_reexec(): once into its wait mode after loading,
// and once more on SIGUSR2 or SIGHUP before loading again), READY=1 with MAINPID= when it
// waits (mworker_loop()), and STOPPING=1 when it exits; never WATCHDOG=1. The old worker
// serves until the new one has started, so /readyz is 503 for a few tens of milliseconds of
// every reload while HAProxy keeps answering (measured below; SERVICES_REPORT=1 prints it).
import assert from "node:assert/strict";
import { rawExchange } from "../helpers/http_client.ts";
import { parseAllDocuments } from "yaml";
import {
  type AdapterProcess,
  freePort,
  spawnAdapter,
  tempDir,
} from "../helpers/adapter_process.ts";
import {
  childPid,
  echoed,
  echoedLines,
  killWrapped,
  requireProgram,
  waitForStatus,
} from "./service_process.ts";
import { needs } from "../helpers/tools.ts";

const CONFIG = new URL("../fixtures/services/haproxy.cfg", import.meta.url).pathname;
const RECIPE = new URL("../../examples/services/haproxy/haproxy.yaml", import.meta.url).pathname;
const RELOADS = 5;
const REPORT = Deno.env.get("SERVICES_REPORT") === "1";
/** The adapter's default ADAPTER_STATUS_READYZ_FALSE, less `reloading` (the recipe's choice). */
const READYZ_FALSE_BUT_RELOADING =
  "stopping,errno,buserror,watchdog_trigger,watchdog_timeout,start_timeout";

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function startHaproxy(config: string, frontend: number, env: Record<string, string> = {}) {
  requireProgram("haproxy", "haproxy");
  return spawnAdapter({
    args: ["run", "--", "haproxy", "-Ws", "-f", config],
    env: { HAPROXY_FRONTEND_PORT: String(frontend), ...env },
  });
}

/** One HTTP request on a new connection, as a client that does not keep connections. */
async function frontendAnswer(port: number): Promise<string> {
  try {
    const answer = await rawExchange(port, "GET / HTTP/1.0\r\nHost: test\r\n\r\n");
    const [head, body] = answer.split("\r\n\r\n");
    return `${head.split("\r\n")[0]} ${body}`;
  } catch (error) {
    return String(error);
  }
}

interface Sample {
  /** When the request was sent, and when its answer came. */
  readonly at: number;
  readonly answeredAt: number;
  readonly status: number;
}

interface Reload {
  /** /readyz, polled every ~2.5 ms from 5 answers before SIGUSR2 to 5 after READY=1. */
  readonly readyz: Sample[];
  /** What the frontend answered meanwhile (and when it was asked), a new connection each. */
  readonly answers: { readonly at: number; readonly text: string }[];
  readonly signalledAt: number;
}

/** Sends SIGUSR2 to the adapter (so to the master) while polling /readyz and the frontend. */
async function reloadWhilePolling(adapter: AdapterProcess, frontend: number): Promise<Reload> {
  const readyBefore = echoed(adapter).filter((line) => line === "READY=1").length;
  const readyz: Sample[] = [];
  const answers: { at: number; text: string }[] = [];
  let polling = true;
  const prober = (async () => {
    while (polling) {
      const at = performance.now();
      const { status } = await adapter.request("/readyz");
      readyz.push({ at, answeredAt: performance.now(), status });
      await delay(1);
    }
  })();
  const client = (async () => {
    while (polling) {
      const at = performance.now();
      answers.push({ at, text: await frontendAnswer(frontend) });
      await delay(1);
    }
  })();
  // Some answers before the signal, and some asked for after READY=1 was applied.
  await adapter.waitFor(() => readyz.length >= 5, "/readyz samples before the reload");
  const signalledAt = performance.now();
  adapter.child.kill("SIGUSR2");
  await adapter.waitFor(
    () => echoed(adapter).filter((line) => line === "READY=1").length > readyBefore,
    "READY=1 after the reload",
  );
  const readyAt = performance.now();
  await adapter.waitFor(
    () => readyz.filter((sample) => sample.at > readyAt).length >= 5,
    "/readyz samples after the reload",
  );
  polling = false;
  await Promise.all([prober, client]);
  return { readyz, answers, signalledAt };
}

/** The distinct answers. */
function texts(answers: Reload["answers"]): string[] {
  return [...new Set(answers.map(({ text }) => text))];
}

/** The statuses in order, runs of one status collapsed: [200, 503, 200]. */
function runs(samples: readonly Sample[]): number[] {
  return samples.map((sample) => sample.status)
    .filter((status, index, all) => index === 0 || all[index - 1] !== status);
}

/** How long /readyz answered 503: at least first to last 503, at most the 200s around them. */
function gap(samples: readonly Sample[]) {
  const first = samples.findIndex((sample) => sample.status === 503);
  const last = samples.findLastIndex((sample) => sample.status === 503);
  if (first === -1) return { minMs: 0, maxMs: 0, samples: 0 };
  return {
    minMs: samples[last].at - samples[first].at,
    maxMs: samples[Math.min(last + 1, samples.length - 1)].at - samples[Math.max(first - 1, 0)].at,
    samples: last - first + 1,
  };
}

/** readyz true→false→true in the adapter's log, per reload, in ms (the log has ms). */
function loggedGaps(adapter: AdapterProcess): number[] {
  const changes = adapter.logRecords().filter((record) =>
    record.message === "Probe state changed" && record.probe === "readyz"
  );
  const gaps: number[] = [];
  for (let index = 0; index < changes.length - 1; index++) {
    if (changes[index].to === false && changes[index + 1].to === true) {
      gaps.push(
        Date.parse(String(changes[index + 1].timestamp)) -
          Date.parse(String(changes[index].timestamp)),
      );
    }
  }
  return gaps;
}

function report(title: string, reloads: Reload[], adapter: AdapterProcess) {
  if (!REPORT) return;
  const periods = reloads.flatMap(({ readyz }) =>
    readyz.slice(1).map((sample, index) => sample.at - readyz[index].at)
  ).sort((a, b) => a - b);
  console.log(JSON.stringify({
    title,
    pollPeriodMedianMs: periods[Math.floor(periods.length / 2)],
    probedGaps: reloads.map(({ readyz }) => gap(readyz)),
    loggedGapsMs: loggedGaps(adapter),
    frontendRequests: reloads.map(({ answers }) => answers.length),
  }));
}

const STARTED = ["RELOADING=1", "READY=1"];
const RELOADED = ["RELOADING=1", "RELOADING=1", "READY=1"];

Deno.test(
  "haproxy: run -- haproxy -Ws: ready; SIGUSR2 reloads and it keeps serving; /readyz 503 only during each reload",
  needs("haproxy", "python3", "util-linux", "systemd"),
  async () => {
    const frontend = freePort();
    let adapter: AdapterProcess | undefined;
    try {
      adapter = await startHaproxy(CONFIG, frontend);
      await waitForStatus(adapter, "/readyz", 200);
      const master = await childPid(adapter);
      const mainPid = `MAINPID=${master}`;
      assert.deepEqual(await echoedLines(adapter, 3), [...STARTED, mainPid]);
      assert.equal(await frontendAnswer(frontend), "HTTP/1.1 200 OK haproxy ok");
      assert.equal((await adapter.request("/status")).json.mainPid, master);

      const reloads: Reload[] = [];
      for (let index = 0; index < RELOADS; index++) {
        reloads.push(await reloadWhilePolling(adapter, frontend));
      }
      report("default ADAPTER_STATUS_READYZ_FALSE", reloads, adapter);
      for (const { readyz, answers, signalledAt } of reloads) {
        // Ready, not ready from RELOADING=1 until READY=1, ready: one gap, none before SIGUSR2.
        assert.deepEqual(runs(readyz), [200, 503, 200]);
        const firstNotReady = readyz.find((sample) => sample.status === 503)!;
        assert.ok(firstNotReady.answeredAt > signalledAt, JSON.stringify({ signalledAt, readyz }));
        // Tens of ms on an idle machine; a generous bound for one shared with other jobs.
        assert.ok(gap(readyz).maxMs < 5_000, JSON.stringify(gap(readyz)));
        // Meanwhile every new connection was answered, by the old worker or the new one.
        assert.deepEqual(texts(answers), ["HTTP/1.1 200 OK haproxy ok"]);
      }
      // Some of them while /readyz said 503.
      const duringGaps = reloads.flatMap(({ readyz, answers }) => {
        const notReady = readyz.filter((sample) => sample.status === 503);
        return answers.filter(({ at }) => at > notReady[0].at && at < notReady.at(-1)!.at);
      });
      assert.ok(duringGaps.length > 0, JSON.stringify(reloads));
      assert.equal(loggedGaps(adapter).length, RELOADS);
      const expected = [...STARTED, mainPid, ...Array(RELOADS).fill([...RELOADED, mainPid]).flat()];
      assert.deepEqual(await echoedLines(adapter, expected.length), expected);

      // SIGTERM: the master stops its worker at once, sends STOPPING=1 and exits 0.
      const exit = await adapter.stop("SIGTERM");
      assert.equal(exit.code, 0);
      assert.deepEqual(echoed(adapter), [...expected, "STOPPING=1"]);
      assert.match(
        exit.stderr,
        /\[WARNING\] +\(\d+\) : All workers exited\. Exiting\.\.\. \(0\)\n/,
      );
    } finally {
      if (adapter !== undefined) await killWrapped(adapter);
    }
  },
);

Deno.test(
  "haproxy: without `reloading` in ADAPTER_STATUS_READYZ_FALSE /readyz stays 200; a failed reload reads the same; SIGUSR1 drains",
  needs("haproxy", "python3", "util-linux", "systemd"),
  async () => {
    const dir = tempDir();
    const config = `${dir.path}/haproxy.cfg`;
    Deno.copyFileSync(CONFIG, config);
    const frontend = freePort();
    let adapter: AdapterProcess | undefined;
    try {
      adapter = await startHaproxy(config, frontend, {
        ADAPTER_STATUS_READYZ_FALSE: READYZ_FALSE_BUT_RELOADING,
      });
      await waitForStatus(adapter, "/readyz", 200);
      const mainPid = `MAINPID=${await childPid(adapter)}`;

      const reloads: Reload[] = [];
      for (let index = 0; index < RELOADS; index++) {
        reloads.push(await reloadWhilePolling(adapter, frontend));
      }
      report("ADAPTER_STATUS_READYZ_FALSE without reloading", reloads, adapter);
      for (const { readyz, answers } of reloads) {
        assert.deepEqual(runs(readyz), [200]);
        assert.deepEqual(texts(answers), ["HTTP/1.1 200 OK haproxy ok"]);
      }

      // A configuration that does not load: the master keeps the old worker and sends exactly
      // what a good reload sends, so /readyz cannot tell (check with `haproxy -c` first).
      Deno.writeTextFileSync(config, "    no-such-keyword\n", { append: true });
      const failed = await reloadWhilePolling(adapter, frontend);
      await adapter.waitFor(
        () => /\[WARNING\] +\(\d+\) : Loading failure!\n/.test(adapter!.stderr()),
        "the master to report the failure",
      );
      assert.deepEqual(runs(failed.readyz), [200]);
      assert.deepEqual(texts(failed.answers), ["HTTP/1.1 200 OK haproxy ok"]);
      const expected = [
        ...[...STARTED, mainPid],
        ...Array(RELOADS + 1).fill([...RELOADED, mainPid]).flat(),
      ];
      assert.deepEqual(await echoedLines(adapter, expected.length), expected);

      // SIGUSR1: soft stop, the worker finishes its connections; STOPPING=1, exit 0.
      const exit = await adapter.stop("SIGUSR1");
      assert.equal(exit.code, 0);
      assert.deepEqual(echoed(adapter), [...expected, "STOPPING=1"]);
      assert.match(exit.stderr, /Current worker \(\d+\) exited with code 0 \(Exit\)\n/);
    } finally {
      if (adapter !== undefined) await killWrapped(adapter);
      dir.remove();
    }
  },
);

Deno.test(
  "haproxy: the recipe's configuration (haproxy.yaml's ConfigMap) passes haproxy -c",
  needs("haproxy", "python3", "util-linux", "systemd"),
  async () => {
    requireProgram("haproxy", "haproxy");
    const manifests = parseAllDocuments(Deno.readTextFileSync(RECIPE)).map((doc) => doc.toJS());
    const configMap = manifests.find((manifest) => manifest.kind === "ConfigMap");
    const dir = tempDir();
    try {
      Deno.writeTextFileSync(`${dir.path}/haproxy.cfg`, configMap.data["haproxy.cfg"]);
      const check = await new Deno.Command("haproxy", {
        args: ["-c", "-f", `${dir.path}/haproxy.cfg`],
        stdin: "null",
      }).output();
      const stderr = new TextDecoder().decode(check.stderr);
      assert.equal(check.code, 0, stderr);
      assert.equal(
        new TextDecoder().decode(check.stdout),
        "Warnings were found.\nConfiguration file is valid\n",
      );
      // The one warning: the Service's name resolves only inside the cluster.
      const warnings = stderr.split("\n").filter((line) => line.startsWith("[WARNING]"))
        .map((line) => line.replace(/\(\d+\)/, "(PID)").replaceAll(dir.path, "DIR"));
      assert.deepEqual(warnings, [
        "[WARNING]  (PID) : config : [DIR/haproxy.cfg:23] : 'server app/app1' : could not " +
        "resolve address 'my-app.default.svc.cluster.local', disabling server.",
      ]);
    } finally {
      dir.remove();
    }
  },
);
