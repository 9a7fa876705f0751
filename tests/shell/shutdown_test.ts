import assert from "node:assert/strict";
import { shutDown, SHUTDOWN_BUDGET_MS, type ShutdownSteps } from "../../lib/shell/shutdown.ts";

/** Steps that record their order; those given a promise wait for it. */
function steps(waits: Partial<Record<"server" | "child" | "flush", Promise<void>>> = {}) {
  const order: string[] = [];
  const budgets: number[] = [];
  let expire: () => void = () => {};
  const recorded: ShutdownSteps = {
    closeSocket: () => order.push("socket"),
    stopServer: async () => {
      order.push("server");
      await waits.server;
      order.push("server done");
    },
    stopChild: async () => {
      order.push("child");
      await waits.child;
      order.push("child done");
    },
    flushOutputs: async () => {
      order.push("flush");
      await waits.flush;
      order.push("flush done");
    },
    sleep: (ms) => {
      budgets.push(ms);
      return new Promise((resolve) => expire = resolve);
    },
  };
  return { order, budgets, recorded, expireBudget: () => expire() };
}

const never = new Promise<void>(() => {});

Deno.test("shutDown() closes the socket first, then server, child and outputs in order", async () => {
  const { order, budgets, recorded } = steps();
  await shutDown(recorded);
  assert.deepEqual(order, [
    "child",
    "socket",
    "server",
    "child done",
    "server done",
    "flush",
    "flush done",
  ]);
  assert.deepEqual(budgets, [SHUTDOWN_BUDGET_MS]);
});

Deno.test("shutDown() gives up on a server and outputs that outlast the budget", async () => {
  const { order, recorded, expireBudget } = steps({ server: never, flush: never });
  const done = shutDown(recorded);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(order, ["child", "socket", "server", "child done"]);
  expireBudget();
  await done;
  assert.deepEqual(order, ["child", "socket", "server", "child done", "flush"]);
});

Deno.test("shutDown() waits for the child before flushing, so its last records go out", async () => {
  let childEnds: () => void = () => {};
  const child = new Promise<void>((resolve) => childEnds = resolve);
  const { order, recorded } = steps({ child });
  const done = shutDown(recorded);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(order.includes("flush"), false);
  childEnds();
  await done;
  assert.deepEqual(order.slice(-3), ["child done", "flush", "flush done"]);
});
