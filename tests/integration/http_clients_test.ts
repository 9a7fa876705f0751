// Real HTTP clients against the adapter's own server (behaviour §5, §5.6): curl (HTTP/1.1 and
// 1.0, HEAD, a reused connection, bodies), Python's http.client keeping one connection for
// several requests, and Prometheus, a Go client, scraping /metrics.
import assert from "node:assert/strict";
import { freePort, spawnAdapter, tempDir } from "../helpers/adapter_process.ts";

const decoder = new TextDecoder();

async function run(program: string, args: string[], stdin?: string) {
  const child = new Deno.Command(program, {
    args,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

Deno.test("http clients: curl over HTTP/1.1 and 1.0, HEAD, a reused connection, bodies", async (t) => {
  const adapter = await spawnAdapter({ env: { ADAPTER_LOG: "false" } });
  const url = (path: string) => `http://127.0.0.1:${adapter.port}${path}`;
  const curl = (...args: string[]) => run("curl", ["--silent", "--max-time", "5", ...args]);
  try {
    await t.step("GET: status, fields and body", async () => {
      const { code, stdout } = await curl("--include", url("/healthz"));
      assert.equal(code, 0);
      assert.match(stdout, /^HTTP\/1\.1 200 OK\r\n/);
      assert.match(stdout, /\r\ncontent-type: application\/json\r\n/);
      assert.match(
        stdout,
        /\r\n\r\n\{"timestamp":"[^"]+","healthz":true,"livez":false,"readyz":false\}$/,
      );
    });

    await t.step("HEAD (-I): GET's fields and content-length, no body", async () => {
      // A probe body has one length whatever the time: the timestamp is of fixed width.
      const get = await curl(url("/livez"));
      const head = await curl("--head", url("/livez"));
      assert.match(head.stdout, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
      assert.match(head.stdout, new RegExp(`\r\ncontent-length: ${get.stdout.length}\r\n`));
      assert.match(head.stdout, /\r\ncontent-type: application\/json\r\n/);
      assert.ok(head.stdout.endsWith("\r\n\r\n"));
    });

    await t.step("HTTP/1.0: one answer, then the connection is closed", async () => {
      const { code, stdout } = await curl("--http1.0", "--include", url("/livez"));
      assert.equal(code, 0);
      assert.match(stdout, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
      assert.match(stdout, /\r\nconnection: close\r\n/);
    });

    await t.step("two URLs on one kept connection", async () => {
      const { code, stdout, stderr } = await curl(
        "--verbose",
        url("/healthz"),
        url("/nope"),
      );
      assert.equal(code, 0, stderr);
      assert.match(stderr, /Re-using existing connection/);
      assert.match(stdout, /"healthz":true[\s\S]*\{"error":"Not found","path":"\/nope"\}$/);
    });

    await t.step(
      "a POST with a body, fixed or chunked: 405, and the connection closed",
      async () => {
        for (const extra of [[], ["--header", "Transfer-Encoding: chunked"]]) {
          const { code, stdout } = await curl(
            "--include",
            ...extra,
            "--data-binary",
            "READY=1",
            url("/livez"),
          );
          assert.equal(code, 0);
          assert.match(stdout, /^HTTP\/1\.1 405 Method Not Allowed\r\n/);
          assert.match(stdout, /\r\nallow: GET, HEAD\r\n/);
          assert.match(stdout, /\r\nconnection: close\r\n/);
        }
        // A body larger than one read, sent while the answer comes back.
        const big = await run(
          "curl",
          ["--silent", "--include", "--data-binary", "@-", url("/livez")],
          "x".repeat(300_000),
        );
        assert.match(big.stdout, /^HTTP\/1\.1 405 Method Not Allowed\r\n/);
      },
    );
  } finally {
    await adapter.stop();
  }
});

// What Prometheus and kubelet send, over Python's http.client: one connection kept for three
// requests with Accept-Encoding: gzip, then a kubelet probe that closes.
const PYTHON_CLIENT = `
import http.client, json, sys
port = int(sys.argv[1])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
seen = []
for path in ["/metrics", "/readyz", "/metrics"]:
    conn.request("GET", path, headers={"Accept-Encoding": "gzip", "User-Agent": "Prometheus/2.42.0"})
    response = conn.getresponse()
    body = response.read()
    seen.append([path, response.status, response.getheader("content-encoding"), len(body) > 0, conn.sock is not None])
conn.close()
probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
probe.request("GET", "/livez", headers={"User-Agent": "kube-probe/1.30", "Accept": "*/*", "Connection": "close"})
response = probe.getresponse()
seen.append(["/livez", response.status, response.getheader("connection"), len(response.read()) > 0, True])
print(json.dumps(seen))
`;

Deno.test("http clients: Python's http.client keeps one connection; a kubelet-style probe closes", async () => {
  const adapter = await spawnAdapter({ env: { ADAPTER_LOG: "false" } });
  try {
    const { code, stdout, stderr } = await run("python3", [
      "-c",
      PYTHON_CLIENT,
      String(adapter.port),
    ]);
    assert.equal(code, 0, stderr);
    assert.deepEqual(JSON.parse(stdout), [
      ["/metrics", 200, null, true, true],
      ["/readyz", 503, null, true, true],
      ["/metrics", 200, null, true, true],
      ["/livez", 503, "close", true, true],
    ]);
  } finally {
    await adapter.stop();
  }
});

Deno.test("http clients: Prometheus scrapes /metrics: target up, samples stored", async () => {
  const adapter = await spawnAdapter({ env: { ADAPTER_LOG: "false" } });
  const dir = tempDir();
  const webPort = freePort();
  Deno.writeTextFileSync(
    `${dir.path}/prometheus.yml`,
    `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n` +
      `  - job_name: adapter\n    static_configs:\n      - targets: ["127.0.0.1:${adapter.port}"]\n`,
  );
  const prometheus = new Deno.Command("prometheus", {
    args: [
      `--config.file=${dir.path}/prometheus.yml`,
      `--storage.tsdb.path=${dir.path}/data`,
      `--web.listen-address=127.0.0.1:${webPort}`,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const api = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${webPort}/api/v1/${path}`);
    return (await response.json()).data;
  };
  try {
    await adapter.send("READY=1");
    let target: Record<string, unknown> | undefined;
    await adapter.waitFor(
      async () => {
        try {
          target = (await api("targets")).activeTargets[0];
          return target?.health === "up";
        } catch {
          return false; // Not listening yet.
        }
      },
      "Prometheus to scrape the adapter",
      20_000,
    );
    assert.equal(target?.lastError, "");
    await adapter.waitFor(
      async () => (await api("query?query=sd_notify_adapter_readyz")).result[0]?.value[1] === "1",
      "readyz 1 in Prometheus",
      10_000,
    );
    const info = (await api("query?query=sd_notify_adapter_info")).result[0];
    assert.equal(info.value[1], "1");
    assert.equal(info.metric.job, "adapter");
  } finally {
    prometheus.kill("SIGTERM");
    await prometheus.status;
    await adapter.stop();
    dir.remove();
  }
});
