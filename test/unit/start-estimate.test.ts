// The estimate a waiting learner sees: from the median of recent cold starts and the labs
// booting now, a lab `ahead` places back is ready when a slot frees for it plus a typical start.
import { describe, expect, it } from "vitest";
import { secondsLeftBooting, secondsUntilReady, typicalOf } from "@/sandbox/manager/start-estimate";

describe("start estimate", () => {
  it("with free slots, the next lab takes one typical start", () => {
    expect(secondsUntilReady({ slots: 2, bootingElapsed: [], typicalSeconds: 6 }, 0)).toBe(6);
    expect(secondsUntilReady({ slots: 2, bootingElapsed: [], typicalSeconds: 6 }, 1)).toBe(6);
  });

  it("waits for the earliest slot to free, then boots", () => {
    // Two labs booting for 2 s and 5 s of a typical 6: slots free in 4 s and 1 s.
    const line = { slots: 2, bootingElapsed: [2, 5], typicalSeconds: 6 };
    expect(secondsUntilReady(line, 0)).toBe(1 + 6);
    expect(secondsUntilReady(line, 1)).toBe(4 + 6);
    // The third in line takes the slot the first freed again.
    expect(secondsUntilReady(line, 2)).toBe(7 + 6);
  });

  it("grows with the line at the rate the slots allow: 40 in line, 2 slots, 6 s each", () => {
    const line = { slots: 2, bootingElapsed: [0, 0], typicalSeconds: 6 };
    expect(secondsUntilReady(line, 39)).toBe(6 * 21);
    // One slot: twice as long.
    expect(secondsUntilReady({ ...line, slots: 1, bootingElapsed: [0] }, 39)).toBe(6 * 41);
  });

  it("an overdue booting lab counts as freeing now, never as negative time", () => {
    expect(secondsUntilReady({ slots: 1, bootingElapsed: [30], typicalSeconds: 6 }, 0)).toBe(6);
    expect(secondsLeftBooting(6, 30)).toBe(0);
    expect(secondsLeftBooting(6, 2)).toBe(4);
  });

  it("takes the median of recent starts, so one slow start does not swing it", () => {
    expect(typicalOf([])).toBeUndefined();
    expect(typicalOf([5, 6, 60])).toBe(6);
    expect(typicalOf([4, 8])).toBe(6);
  });

  it("refuses a line without slots", () => {
    expect(() => secondsUntilReady({ slots: 0, bootingElapsed: [], typicalSeconds: 6 }, 0)).toThrow(/slots/);
  });
});
