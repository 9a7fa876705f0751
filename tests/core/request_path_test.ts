import assert from "node:assert/strict";
import { requestPath } from "../../lib/core/request_path.ts";

Deno.test("requestPath() drops the query and the fragment, and keeps the path as sent", () => {
  assert.equal(requestPath("/livez"), "/livez");
  assert.equal(requestPath("/livez?x=1"), "/livez");
  assert.equal(requestPath("/livez#top"), "/livez");
  assert.equal(requestPath("/a/../livez"), "/a/../livez");
  assert.equal(requestPath("//livez"), "//livez");
  assert.equal(requestPath("/%6civez"), "/%6civez");
});

Deno.test("requestPath() reads the path of an absolute-form target after its authority", () => {
  assert.equal(requestPath("http://other/healthz"), "/healthz");
  assert.equal(requestPath("http://10.0.0.1:8089/healthz?x"), "/healthz");
  assert.equal(requestPath("http://h"), "/");
  assert.equal(requestPath("http://h?x=/livez"), "/");
});

Deno.test("requestPath() keeps an asterisk or authority form target as it is: no route", () => {
  assert.equal(requestPath("*"), "*");
  assert.equal(requestPath("example.com:443"), "example.com:443");
});
