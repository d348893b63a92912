// How many labs to warm for a class about to start: one for each enrolled learner who has no
// lab yet (none queued, starting or running) and no warmed lab already waiting for them, but
// never more than the free places (capacity less every active lab, so nobody's lab is ever
// evicted for it), and none while anyone waits in the queue (they asked first). A pure
// function, so the scheduler can run it as often as it likes: asking twice warms nothing twice.

export interface ClassWarmInput {
  /** Enrolled learners of the cohort. */
  enrolled: number;
  /** Of them, those who already have a lab: queued, starting or ready. */
  withLab: number;
  /** Labs already warming or warm for this cohort that nobody has claimed yet. */
  reservedUnclaimed: number;
  /** The most labs this host runs at once. */
  capacity: number;
  /** Labs active now, of everyone (including this cohort's reserved ones). */
  active: number;
  /** Learners waiting in the queue. */
  queued: number;
}

export interface ClassWarmPlan {
  /** Labs to start now. */
  start: number;
  /** Learners who will still need a cold start (or the queue) when they press Start: capacity is short. */
  short: number;
}

export function planClassWarm(input: ClassWarmInput): ClassWarmPlan {
  for (const [name, value] of Object.entries(input)) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`planClassWarm: ${name} must be a whole number ≥ 0, not ${value}`);
  }
  const wanted = Math.max(0, input.enrolled - input.withLab - input.reservedUnclaimed);
  const free = input.queued > 0 ? 0 : Math.max(0, input.capacity - input.active);
  const start = Math.min(wanted, free);
  return { start, short: wanted - start };
}
