// Polls until a value is what a test waits for, or fails naming what it waited for and the
// last value seen. Labs settle in their own time; tests wait for states, never for a clock.
import { setTimeout as sleep } from "node:timers/promises";

export async function until<T>(what: string, read: () => Promise<T> | T, ok: (value: T) => boolean, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (ok(last)) return last;
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 2000)}`);
}
