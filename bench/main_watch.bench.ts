// What following a main process costs (behaviour §11.4): each wake-up of the main watch, 4 a
// second, polls the pidfd of the process it watches and, with ADAPTER_UNIT_PID_FILE, reads the
// PID file. An adapter that follows nothing has no wake-up at all.
//
//   deno task bench (or: deno bench --allow-ffi --allow-run=sleep --allow-read=/tmp
//   --allow-write=/tmp bench/main_watch.bench.ts)
import { loadLibc } from "../lib/shell/libc.ts";
import { readPidFile, readPidFileOnce } from "../lib/shell/pid_file_reader.ts";
import { watchProcess } from "../lib/shell/pidfd.ts";

const libc = loadLibc();
if (libc instanceof Error) throw libc;
const service = new Deno.Command("sleep", { args: ["3600"] }).spawn();
const watched = watchProcess(libc, service.pid);
if (!("hasEnded" in watched)) throw new Error(`cannot watch: ${JSON.stringify(watched)}`);
const dir = Deno.makeTempDirSync({ prefix: "sd-notify-adapter-bench-" });
const pidFile = `${dir}/service.pid`;
Deno.writeTextFileSync(pidFile, `${service.pid}\n`);

Deno.bench("pidfd poll() of a running process (one per wake-up)", { group: "wake-up" }, () => {
  if (watched.hasEnded()) throw new Error("the service ended");
});

Deno.bench("PID file read once (one per wake-up)", { group: "wake-up" }, () => {
  if (!("text" in readPidFileOnce(libc, pidFile))) throw new Error("not read");
});

Deno.bench("PID file read until two reads agree (after a change)", { group: "wake-up" }, () => {
  if (!("text" in readPidFile(libc, pidFile))) throw new Error("not read");
});

Deno.bench("Deno.lstatSync() of the PID file, for comparison", { group: "wake-up" }, () => {
  Deno.lstatSync(pidFile);
});

globalThis.addEventListener("unload", () => {
  watched.close();
  service.kill("SIGKILL");
  Deno.removeSync(dir, { recursive: true });
});
