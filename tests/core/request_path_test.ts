import assert from "node:assert/strict";
import { requestPath } from "../../lib/core/request_path.ts";

Deno.test("requestPath() takes the target after exactly the Host header's text", () => {
  assert.equal(requestPath("http://adapter:8089/healthz", "adapter:8089"), "/healthz");
  assert.equal(requestPath("http://evil/x/healthz", "evil/x"), "/healthz");
  assert.equal(requestPath("http://a b/readyz", "a b"), "/readyz");
  assert.equal(requestPath("http://a:99999/readyz", "a:99999"), "/readyz");
  assert.equal(requestPath("http://[::1/status", "[::1"), "/status");
});

Deno.test("requestPath() drops the query and the fragment, and keeps the path as sent", () => {
  assert.equal(requestPath("http://h/livez?x=1", "h"), "/livez");
  assert.equal(requestPath("http://h/livez#top", "h"), "/livez");
  assert.equal(requestPath("http://h/a/../livez", "h"), "/a/../livez");
  assert.equal(requestPath("http://h//livez", "h"), "//livez");
});

Deno.test("requestPath() reads an absolute-form target and a request without Host", () => {
  assert.equal(requestPath("http://other/healthz", "evil/x"), "/healthz");
  assert.equal(requestPath("http://10.0.0.1:8089/healthz", null), "/healthz");
  assert.equal(requestPath("http://h", "h"), "/");
  assert.equal(requestPath("*", null), "*");
});
