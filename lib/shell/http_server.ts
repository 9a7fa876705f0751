/**
 * The HTTP listener (behaviour §5.1): `Deno.serve` wired to the pure handler, kept alive
 * whatever the system does to it. In Deno 2.9.6 one failed `accept()` (EMFILE, ENFILE) closes
 * the listening socket for good and rejects `server.finished`; the adapter then logs once,
 * backs off and serves again on the same address, so that probes answer within a second once
 * descriptors are free. `Deno.serve` has no header or idle timeout (an idle or half-sent
 * connection stays open as long as its client keeps it): what bounds them is the open-file
 * limit, and a listener that dies of it comes back.
 *
 * @module
 */

import type { Schedule } from "./schedule.ts";
import { listenHosts, listenOnFirst } from "./listen_plan.ts";
import { errorText, type Logger } from "./logging.ts";

/** Backoff between attempts to listen again, doubling up to the last. */
export const RELISTEN_DELAYS_MS: readonly number[] = Object.freeze([50, 100, 200, 400]);
// A listener that has lived this long is back for good (a new one dies within a millisecond
// while descriptors are still exhausted).
const RESTORED_AFTER_MS = 1_000;

/** A running listener. */
export interface HttpListener {
  /** `[::]:8089`, `0.0.0.0:8089`: what was bound. */
  readonly address: string;
  /** Stops accepting and finishes in-flight responses; no new listener follows. */
  shutdown(): Promise<void>;
}

/** What the listener needs. */
export interface ListenerOptions {
  /** The IP literal to listen on, from `ADAPTER_HOST`. */
  readonly host: string;
  /** The TCP port, from `ADAPTER_PORT`; 0 takes any free port. */
  readonly port: number;
  /** Answers one request from the adapter's current state. */
  readonly handler: (request: Request) => Response;
  /** Where the listener reports accept failures and handler errors. */
  readonly logger: Logger;
  /** The timer that brings the listener back after an accept failure. */
  readonly schedule: Schedule;
}

function formatAddress({ hostname, port }: Deno.NetAddr): string {
  return hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}

/** Listens, or throws what the last attempt threw (port in use, address not available). */
export function listenHttp(options: ListenerOptions): HttpListener {
  const { handler, logger, schedule } = options;
  const onError = (error: unknown) => {
    logger.log("error", "HTTP handler failed", { error: errorText(error) });
    return new Response(JSON.stringify({ error: "Internal error" }), { status: 500 });
  };
  const serve = (hostname: string, port: number) =>
    Deno.serve({ hostname, port, onListen: () => {}, onError }, handler);

  let server = listenOnFirst(
    listenHosts(options.host),
    (hostname) => serve(hostname, options.port),
  );
  const { hostname, port } = server.addr;
  let stopping = false;
  let failures = 0;
  let cancelRestored: (() => void) | undefined;

  const relisten = () => {
    if (stopping) return;
    try {
      server = serve(hostname, port);
    } catch (error) {
      return retry(error);
    }
    watch(server);
    cancelRestored = schedule(RESTORED_AFTER_MS, () => {
      logger.log("info", "Accepting again", { address: formatAddress(server.addr), failures });
      failures = 0;
    });
  };
  const retry = (error: unknown) => {
    if (stopping) return;
    if (failures === 0) {
      logger.log("error", "Accept failed", {
        error: errorText(error),
        address: formatAddress({ hostname, port, transport: "tcp" }),
      });
    }
    const delay = RELISTEN_DELAYS_MS[Math.min(failures, RELISTEN_DELAYS_MS.length - 1)];
    failures++;
    schedule(delay, relisten);
  };
  const watch = (watched: Deno.HttpServer<Deno.NetAddr>) => {
    watched.finished.then(
      () => {},
      (error) => {
        if (watched !== server) return;
        cancelRestored?.();
        retry(error);
      },
    );
  };
  watch(server);

  return {
    address: formatAddress(server.addr),
    shutdown: async () => {
      stopping = true;
      cancelRestored?.();
      try {
        await server.shutdown();
      } catch {
        // A listener that had died has nothing left to finish.
      }
    },
  };
}
