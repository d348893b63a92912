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

/**
 * Polls `check` until it returns a truthy value, which is returned. An error thrown by `check`
 * counts as "not yet" (a lab settling refuses connections for a while); on timeout the error
 * names what was awaited and the last value or error seen.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | false | undefined | null>,
  { timeoutMs = 120_000, intervalMs = 500 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen}`);
    }
    await sleep(intervalMs);
  }
}
