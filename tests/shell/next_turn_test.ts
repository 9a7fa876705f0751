import assert from "node:assert/strict";
import { openSocketPoller } from "../../lib/shell/next_turn.ts";

/** How many sockets this process holds open. */
function openSockets(): number {
  let count = 0;
  for (const entry of Deno.readDirSync("/proc/self/fd")) {
    try {
      if (Deno.readLinkSync(`/proc/self/fd/${entry.name}`).startsWith("socket:")) count++;
    } catch {
      // Closed meanwhile (the directory's own descriptor).
    }
  }
  return count;
}

/**
 * Waits until this process holds `count` sockets: Deno closes a socket's descriptor once the
 * operations pending on it have been cancelled, a moment after close(). Fails after 2 s.
 */
async function assertSockets(count: number): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (openSockets() !== count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.equal(openSockets(), count);
}

Deno.test("openSocketPoller() polls through a pair of sockets, shares a poll under way, and closes them", async () => {
  const before = openSockets();
  const poller = openSocketPoller();
  const first = poller.poll();
  assert.equal(poller.poll(), first);
  await first;
  // Open in the background: a poll meanwhile hashes.
  await assertSockets(before + 2);
  for (let i = 0; i < 100; i++) await poller.poll();
  await assertSockets(before + 2);
  poller.close();
  await assertSockets(before);
  await poller.poll();
});

Deno.test("openSocketPoller() closed before its pair is open leaves nothing open", async () => {
  const before = openSockets();
  const poller = openSocketPoller();
  const polling = poller.poll();
  poller.close();
  await polling;
  await poller.poll();
  // The pair opens in the background, over loopback in a few milliseconds: once it is, it is
  // closed at once.
  await new Promise((resolve) => setTimeout(resolve, 200));
  await assertSockets(before);
});
