// How many labs a class gets warmed: one per enrolled learner with no lab and none reserved,
// never past the free places (capacity less every active lab), none while anyone queues, and
// nothing twice when asked again.
import { describe, expect, it } from "vitest";
import { planClassWarm } from "@/sandbox/manager/class-warm-plan";

const base = { enrolled: 3, withLab: 0, reservedUnclaimed: 0, capacity: 10, active: 0, queued: 0 };

describe("planClassWarm", () => {
  it("warms one lab per enrolled learner when there is room", () => {
    expect(planClassWarm(base)).toEqual({ start: 3, short: 0 });
  });

  it("skips learners who already have a lab and labs already warming or warm for the class", () => {
    expect(planClassWarm({ ...base, withLab: 1 })).toEqual({ start: 2, short: 0 });
    expect(planClassWarm({ ...base, withLab: 1, reservedUnclaimed: 2, active: 3 })).toEqual({ start: 0, short: 0 });
  });

  it("is idempotent: the plan's own labs, once counted, leave nothing to start", () => {
    const first = planClassWarm({ ...base, enrolled: 40, capacity: 44, active: 2 });
    expect(first).toEqual({ start: 40, short: 0 });
    expect(planClassWarm({ ...base, enrolled: 40, capacity: 44, active: 2 + first.start, reservedUnclaimed: first.start })).toEqual({ start: 0, short: 0 });
  });

  it("never goes past capacity: every active lab (other learners', the pool's) keeps its place", () => {
    expect(planClassWarm({ ...base, enrolled: 40, capacity: 44, active: 30 })).toEqual({ start: 14, short: 26 });
    expect(planClassWarm({ ...base, enrolled: 5, capacity: 4, active: 4 })).toEqual({ start: 0, short: 5 });
    // More active than capacity (an operator lowered it): nothing, and no negative numbers.
    expect(planClassWarm({ ...base, capacity: 2, active: 6 })).toEqual({ start: 0, short: 3 });
  });

  it("warms nothing while learners wait in the queue: they asked first", () => {
    expect(planClassWarm({ ...base, queued: 1 })).toEqual({ start: 0, short: 3 });
  });

  it("learners who claimed a warmed lab count as having one", () => {
    // 3 enrolled, 2 claimed theirs (they have labs), 1 still warm: nothing more.
    expect(planClassWarm({ ...base, withLab: 2, reservedUnclaimed: 1, active: 3 })).toEqual({ start: 0, short: 0 });
    // More reserved than learners left (a learner was removed from the cohort): still nothing, never negative.
    expect(planClassWarm({ ...base, withLab: 2, reservedUnclaimed: 3, active: 5 })).toEqual({ start: 0, short: 0 });
  });

  it("refuses impossible counts with the field's name", () => {
    expect(() => planClassWarm({ ...base, enrolled: -1 })).toThrow(/enrolled/);
    expect(() => planClassWarm({ ...base, capacity: 1.5 })).toThrow(/capacity/);
  });
});
