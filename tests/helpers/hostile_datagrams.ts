/**
 * Hostile datagrams from a seeded generator, for the end-to-end fuzz run in CI (20 k) and
 * `deno task fuzz` (1 M): every kind of input behaviour §2 must survive, replayable by seed.
 *
 * @module
 */

import { WELL_KNOWN_ASSIGNMENTS } from "../../lib/core/assignments.ts";

/** A small seeded generator (mulberry32): the same seed gives the same datagrams. */
export function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = Object.keys(WELL_KNOWN_ASSIGNMENTS);
const VALUES = ["1", "0", "", "abc", "-1", "18446744073709551615", "99999999999999999999", "x=y"];
const encoder = new TextEncoder();

type Kind = (next: () => number) => Uint8Array;

const pick = <T>(next: () => number, items: readonly T[]): T =>
  items[Math.floor(next() * items.length)];

function randomBytes(next: () => number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(next() * 256);
  return bytes;
}

function assignments(next: () => number): string {
  const count = 1 + Math.floor(next() * 6);
  const lines = [];
  for (let i = 0; i < count; i++) {
    const key = next() < 0.1 ? `X_${Math.floor(next() * 100)}` : pick(next, KEYS);
    lines.push(`${key}=${pick(next, VALUES)}`);
  }
  return lines.join(pick(next, ["\n", "\r", "\r\n", "\n\n"]));
}

/** The kinds of hostile input, by name, each a generator of one datagram. */
export const HOSTILE_KINDS: Readonly<Record<string, Kind>> = Object.freeze({
  randomBytes: (next) => randomBytes(next, Math.floor(next() * 4200)),
  oversize: (next) => new Uint8Array(4097 + Math.floor(next() * 4000)).fill(0x41),
  exactLimit: () => encoder.encode("STATUS=" + "x".repeat(4096 - 7)),
  nul: (next) => encoder.encode(`${assignments(next)}\0${assignments(next)}`),
  invalidUtf8: (next) => {
    const text = encoder.encode(assignments(next) + "\n");
    const bad = new Uint8Array([0xc3, 0x28, 0xff, 0xed, 0xa0, 0x80]);
    const datagram = new Uint8Array(text.length + bad.length);
    datagram.set(text);
    datagram.set(bad, text.length);
    return datagram;
  },
  assignments: (next) => encoder.encode(assignments(next)),
  barrierMix: (next) =>
    encoder.encode(next() < 0.5 ? "BARRIER=1" : `BARRIER=1\n${assignments(next)}`),
  empty: () => new Uint8Array(0),
  lineNoise: (next) => encoder.encode("=\n\r=".repeat(Math.floor(next() * 500))),
});

/** `count` hostile datagrams from `seed`, one kind picked at random for each. */
export function* hostileDatagrams(seed: number, count: number): Generator<Uint8Array> {
  const next = seededRandom(seed);
  const kinds = Object.values(HOSTILE_KINDS);
  for (let i = 0; i < count; i++) yield pick(next, kinds)(next);
}

/** Sends `count` hostile datagrams to `notifySocket` (path or `@name`); resolves when sent. */
export async function sendHostile(notifySocket: string, seed: number, count: number) {
  const client = Deno.listenDatagram({
    transport: "unixpacket",
    path: `\0sd-notify-adapter-fuzz-${crypto.randomUUID()}`,
  });
  const path = notifySocket.startsWith("@") ? `\0${notifySocket.slice(1)}` : notifySocket;
  try {
    for (const datagram of hostileDatagrams(seed, count)) {
      await client.send(datagram, { transport: "unixpacket", path });
    }
  } finally {
    client.close();
  }
}
