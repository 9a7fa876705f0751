import assert from "node:assert/strict";
import { RUNGS } from "../../bench/breakdown.ts";
import { httpStatus, ROOT, sendDatagram } from "../../bench/process.ts";
import { denoProgram, startProgram } from "../../bench/programs.ts";

/** The static imports of a module (`import … from "x"` and `import "x"`), in order. */
function staticImports(path: string): string[] {
  const text = Deno.readTextFileSync(`${ROOT}/${path}`).replace(/\/\*[\s\S]*?\*\//g, "");
  return [...text.matchAll(/^import\s+(?:[^"]*?\s+from\s+)?"([^"]+)";/gm)].map((m) => m[1]);
}

Deno.test("the ladder's sidecar modules are main.ts's imports and lib/commands/sidecar.ts", () => {
  const fromRoot = (specifier: string) => specifier.replace(/^(\.\.\/\.\.\/|\.\/)/, "");
  const mainImports = staticImports("main.ts").map(fromRoot);
  const sidecar = /import\("\.\/(lib\/commands\/sidecar\.ts)"\)/.exec(
    Deno.readTextFileSync(`${ROOT}/main.ts`),
  );
  assert.ok(sidecar !== null, "main.ts imports lib/commands/sidecar.ts dynamically");
  const ladder = staticImports("bench/ladder/sidecar_modules.ts").map(fromRoot);
  assert.deepEqual(
    new Set(ladder),
    new Set([...mainImports, sidecar[1], "rung.ts"]),
  );
});

Deno.test("every program of the breakdown starts with the start task's flags and answers /healthz", async () => {
  for (const rung of RUNGS) {
    const program = rung.program();
    await using running = await startProgram(program);
    assert.equal(await httpStatus(running.port, "/healthz"), 200, rung.name);
    // The socket is bound where it should be (the datagram has a receiver, or this throws).
    if (rung.name === "notify socket") await sendDatagram(running.socket, "WATCHDOG=1");
  }
});

Deno.test("a rung with an unknown part says so and exits", async () => {
  const [deno, ...args] = denoProgram("bad", "bench/ladder/bare.ts").command;
  const { code, stderr } = await new Deno.Command(deno, {
    args,
    cwd: ROOT,
    env: { BENCH_RUNG: "serve,nope", NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(code, 1);
  assert.match(
    new TextDecoder().decode(stderr),
    /Cannot run BENCH_RUNG "serve,nope": unknown nope, expected serve, libc, socket, node-timers, node-process, node-fs/,
  );
});
