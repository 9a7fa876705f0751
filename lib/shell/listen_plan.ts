/**
 * Where the HTTP server listens (behaviour §5.1): `ADAPTER_HOST`, or for the default `::`
 * IPv6 then IPv4 on hosts without IPv6. A port in use ends the attempts at once (the
 * fallback would fail the same way), and the error reported is the last attempt's.
 *
 * @module
 */

/** One attempt to listen: throws what `Deno.serve` threw. */
export type Listen<T> = (hostname: string) => T;

/** The hosts to try, in order: `::`, set or by default, falls back to `0.0.0.0`. */
export function listenHosts(host: string): readonly string[] {
  return host === "::" ? ["::", "0.0.0.0"] : [host];
}

/** Listens on the first host that works, or throws the last attempt's error. */
export function listenOnFirst<T>(hosts: readonly string[], listen: Listen<T>): T {
  let failure: unknown;
  for (const hostname of hosts) {
    try {
      return listen(hostname);
    } catch (error) {
      failure = error;
      if (error instanceof Deno.errors.AddrInUse) break;
    }
  }
  throw failure;
}
