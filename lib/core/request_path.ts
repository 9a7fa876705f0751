/**
 * The path of an HTTP request's target (behaviour §5.2): routing uses it alone, so that no
 * `Host` header, however malformed, changes the route or causes an error.
 *
 * @module
 */

/**
 * The path of a request target as sent, without query or fragment. An absolute-form target
 * (`http://host/livez`, as a proxy would send) gives the path after its authority, which ends
 * at the first `/`, `?` or `#`; nothing is decoded or normalised.
 *
 * @example Origin form and absolute form
 * ```ts
 * import assert from "node:assert/strict";
 * import { requestPath } from "./request_path.ts";
 *
 * assert.equal(requestPath("/healthz?probe=1"), "/healthz");
 * assert.equal(requestPath("http://10.0.0.7:8089/livez"), "/livez");
 * ```
 */
export function requestPath(target: string): string {
  let pathStart = 0;
  if (target[0] !== "/") {
    const schemeEnd = target.indexOf("://");
    if (schemeEnd === -1) return target;
    pathStart = schemeEnd + 3;
    while (pathStart < target.length && !"/?#".includes(target[pathStart])) pathStart++;
    if (target[pathStart] !== "/") return "/";
  }
  let end = pathStart;
  while (end < target.length && target[end] !== "?" && target[end] !== "#") end++;
  return pathStart === 0 && end === target.length ? target : target.slice(pathStart, end);
}
