// How long until a lab that waits to boot is ready, told honestly: from the cold starts this
// host measured recently (their median, so one slow start does not swing every estimate) and
// the labs booting now. At most `slots` labs boot at once (maxConcurrentStarts); a lab in the
// line starts when a slot frees and then takes about as long as a recent cold start. A pure
// function, unit-tested; the lab manager feeds it what it measured.

export interface StartLine {
  /** Labs that boot at once. */
  slots: number;
  /** Seconds each lab booting now has been at it. */
  bootingElapsed: number[];
  /** A typical cold start on this host now (the median of recent ones), seconds. */
  typicalSeconds: number;
}

/** Seconds until the lab `ahead` places from the front of the line is ready (0: next to start). */
export function secondsUntilReady(line: StartLine, ahead: number): number {
  const { slots, typicalSeconds } = line;
  if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`slots must be ≥ 1, not ${slots}`);
  if (!Number.isInteger(ahead) || ahead < 0) throw new RangeError(`ahead must be ≥ 0, not ${ahead}`);
  // When each slot frees: a booting lab needs what a typical start has left (never below 0).
  const free = line.bootingElapsed.slice(0, slots).map((e) => Math.max(0, typicalSeconds - e));
  while (free.length < slots) free.push(0);
  let readyAt = 0;
  for (let i = 0; i <= ahead; i++) {
    free.sort((a, b) => a - b);
    readyAt = free[0]! + typicalSeconds;
    free[0] = readyAt;
  }
  return readyAt;
}

/** Seconds a lab booting for `elapsed` seconds still needs, typically (0 when it is overdue). */
export function secondsLeftBooting(typicalSeconds: number, elapsed: number): number {
  return Math.max(0, typicalSeconds - elapsed);
}

/** The median of recent measurements, or undefined before the first. */
export function typicalOf(recentSeconds: readonly number[]): number | undefined {
  if (recentSeconds.length === 0) return undefined;
  const sorted = [...recentSeconds].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
