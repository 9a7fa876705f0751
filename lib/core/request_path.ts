/**
 * The path of an HTTP request's target (behaviour §5): routing uses it alone, so that no
 * `Host` header, however malformed, changes the route or causes an error.
 *
 * @module
 */

/**
 * The path of the request target, without query or fragment, from `request.url` and the
 * `Host` header. The server builds the URL as scheme + authority + target, and the authority
 * is the Host header's text, which may hold anything (`evil/x`, `a b`, `[::1`), so the target
 * is what follows exactly that text, and not what a URL parser would make of the whole.
 *
 * @example Whatever the Host header holds
 * ```ts
 * import assert from "node:assert/strict";
 * import { requestPath } from "./request_path.ts";
 *
 * assert.equal(requestPath("http://evil/x/healthz?probe=1", "evil/x"), "/healthz");
 * assert.equal(requestPath("http://a b/livez", "a b"), "/livez");
 * ```
 */
export function requestPath(url: string, host: string | null): string {
  const schemeEnd = url.indexOf("://");
  if (schemeEnd === -1) return url;
  const authorityStart = schemeEnd + 3;
  let targetStart = -1;
  if (host !== null && url.startsWith(host, authorityStart)) {
    targetStart = authorityStart + host.length;
  }
  // An absolute-form target carries its own authority, which cannot hold a "/".
  if (url[targetStart] !== "/") targetStart = url.indexOf("/", authorityStart);
  if (targetStart === -1) return "/";
  const target = url.slice(targetStart);
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}
