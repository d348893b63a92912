// The dashboard's rules for who needs the instructor: a stuck exercise after three attempts
// without a pass, and a learner quiet for ten minutes while exercises remain in a running class.
import { describe, expect, it } from "vitest";
import { cellState, learnerAttention, QUIET_AFTER_MS } from "@/app/_components/cohort/attention";

const now = Date.parse("2026-11-21T10:00:00Z");
const ago = (ms: number) => new Date(now - ms).toISOString();
const passed = { attempts: 1, firstPassedAt: ago(60_000) };

describe("cell state", () => {
  it("tells passed, stuck, attempted and not started apart", () => {
    expect(cellState(undefined)).toBe("not-started");
    expect(cellState({ attempts: 0, firstPassedAt: null })).toBe("not-started");
    expect(cellState({ attempts: 2, firstPassedAt: null })).toBe("attempted");
    expect(cellState({ attempts: 3, firstPassedAt: null })).toBe("stuck");
    // A pass after many tries is a pass.
    expect(cellState({ attempts: 7, firstPassedAt: ago(0) })).toBe("passed");
  });
});

describe("learner attention", () => {
  it("flags a stuck exercise whatever the time", () => {
    const a = learnerAttention([passed, { attempts: 4, firstPassedAt: null }], ago(1000), false, now);
    expect(a).toEqual({ passed: 1, stuck: 1, quietMinutes: null, needsHelp: true });
  });

  it("flags a quiet learner only while the class runs and work remains", () => {
    const quiet = ago(QUIET_AFTER_MS + 5 * 60_000);
    expect(learnerAttention([passed, undefined], quiet, true, now)).toEqual({ passed: 1, stuck: 0, quietMinutes: 15, needsHelp: true });
    expect(learnerAttention([passed, undefined], quiet, false, now).needsHelp).toBe(false);
    expect(learnerAttention([passed, passed], quiet, true, now).needsHelp).toBe(false);
    expect(learnerAttention([passed, undefined], ago(QUIET_AFTER_MS - 1), true, now).needsHelp).toBe(false);
  });

  it("does not call someone quiet who has not begun", () => {
    expect(learnerAttention([undefined], null, true, now)).toEqual({ passed: 0, stuck: 0, quietMinutes: null, needsHelp: false });
  });
});
