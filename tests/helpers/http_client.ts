/**
 * The tests' one HTTP client, in two forms: `httpRequest` for ordinary requests (fetch, the body
 * read and parsed), and `rawExchange` for what fetch cannot send or must not pool (any bytes, a
 * half-sent request, a `Host` header of any bytes, a fresh connection that no pooled one can
 * answer for), with `rawGet` parsing a raw answer's status and body.
 *
 * @module
 */

/** The result of one HTTP request. */
export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // deno-lint-ignore no-explicit-any
  readonly json: any;
}

/** `method path` on 127.0.0.1:`port`: status, headers, body text and parsed JSON (if it is). */
export async function httpRequest(port: number, path: string, method = "GET"): Promise<HttpResult> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON (HEAD, or a non-JSON body): `text` says what it was.
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Options of a raw exchange. */
export interface RawOptions {
  /** Half-close the connection after writing (a client that sends nothing more). */
  readonly closeWrite?: boolean;
  /** Give up reading after this long; what arrived by then is the answer (default 2 s). */
  readonly timeoutMs?: number;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/**
 * Writes `request` on a fresh TCP connection to 127.0.0.1:`port` and reads what comes back
 * until the server closes the connection or the time is up. Throws when the connection is
 * refused.
 */
export async function rawExchange(
  port: number,
  request: string | Uint8Array,
  { closeWrite = false, timeoutMs = 2_000 }: RawOptions = {},
): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const chunks: Uint8Array[] = [];
  const deadline = setTimeout(() => conn.close(), timeoutMs);
  try {
    await conn.write(typeof request === "string" ? new TextEncoder().encode(request) : request);
    if (closeWrite) await conn.closeWrite();
    const buffer = new Uint8Array(4096);
    for (;;) {
      const read = await conn.read(buffer);
      if (read === null) break;
      chunks.push(buffer.slice(0, read));
    }
  } catch {
    // Closed by the deadline, or reset by the server: whatever arrived is the answer.
  } finally {
    clearTimeout(deadline);
    try {
      conn.close();
    } catch {
      // Closed by the deadline, or by the server.
    }
  }
  return new TextDecoder().decode(concat(chunks));
}

/** One HTTP answer read off the wire. */
export interface RawAnswer {
  readonly status: number;
  readonly body: string;
}

function dechunk(body: string): string {
  let out = "";
  let rest = body;
  while (rest.length > 0) {
    const lineEnd = rest.indexOf("\r\n");
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!(size > 0)) break;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
  return out;
}

/**
 * `GET path` with the `Host` header `host` (any bytes but CR and LF) on a new TCP connection
 * to 127.0.0.1:`port`, read until the server closes it. Throws when the connection is refused
 * or no answer comes within `timeoutMs`.
 */
export async function rawGet(
  port: number,
  path: string,
  host = `127.0.0.1:${port}`,
  timeoutMs = 2_000,
): Promise<RawAnswer> {
  const request = `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;
  const text = await rawExchange(port, request, { timeoutMs });
  const match = text.match(/^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/);
  if (match === null) throw new Error(`No HTTP answer: ${JSON.stringify(text)}`);
  const chunked = /^transfer-encoding:\s*chunked\s*$/im.test(match[2]);
  return { status: Number(match[1]), body: chunked ? dechunk(match[3]) : match[3] };
}
