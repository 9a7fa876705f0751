import assert from "node:assert/strict";
import { listenHosts, listenOnFirst } from "../../lib/shell/listen_plan.ts";

Deno.test("listenHosts() falls back to 0.0.0.0 for :: only (behaviour §5.1)", () => {
  assert.deepEqual(listenHosts("::"), ["::", "0.0.0.0"]);
  assert.deepEqual(listenHosts("::1"), ["::1"]);
  assert.deepEqual(listenHosts("127.0.0.1"), ["127.0.0.1"]);
});

Deno.test("listenOnFirst() takes the first host that works", () => {
  const tried: string[] = [];
  const result = listenOnFirst(["::", "0.0.0.0"], (host) => {
    tried.push(host);
    if (host === "::") throw new Deno.errors.AddrNotAvailable("Cannot assign requested address");
    return `listening on ${host}`;
  });
  assert.equal(result, "listening on 0.0.0.0");
  assert.deepEqual(tried, ["::", "0.0.0.0"]);
});

Deno.test("listenOnFirst() reports the fallback's error, not the IPv6 one", () => {
  const inUse = new Deno.errors.AddrInUse("Address already in use");
  assert.throws(
    () =>
      listenOnFirst(["::", "0.0.0.0"], (host) => {
        throw host === "::" ? new Error("Address family not supported by protocol") : inUse;
      }),
    (error) => error === inUse,
  );
});

Deno.test("listenOnFirst() stops at a port in use: the fallback would fail the same way", () => {
  const tried: string[] = [];
  const inUse = new Deno.errors.AddrInUse("Address already in use");
  assert.throws(() =>
    listenOnFirst(["::", "0.0.0.0"], (host) => {
      tried.push(host);
      throw inUse;
    }), (error) => error === inUse);
  assert.deepEqual(tried, ["::"]);
});
