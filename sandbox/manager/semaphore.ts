// At most `size` holders at once; the rest wait in order of arrival and are woken by a
// release, not by polling. The lab manager boots at most maxConcurrentStarts labs at once.
// A waiter marked `first` (a learner who is waiting at their screen) goes before the others
// (labs warmed ahead for the pool or a class), in arrival order among its own kind.
export class Semaphore {
  private held = 0;
  private readonly firstWaiters: (() => void)[] = [];
  private readonly waiters: (() => void)[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`a semaphore needs a size of at least 1, not ${size}`);
  }

  /** Resolves with a release function once a place is free; call it exactly once. */
  async acquire(options: { first?: boolean } = {}): Promise<() => void> {
    if (this.held < this.size) this.held++;
    else await new Promise<void>((resolve) => (options.first ? this.firstWaiters : this.waiters).push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.firstWaiters.shift() ?? this.waiters.shift();
      // The place passes straight to the next waiter, so a newcomer cannot jump the line.
      if (next) next();
      else this.held--;
    };
  }

  /** Places taken now (for tests and gauges). */
  get inUse(): number {
    return this.held;
  }

  get waiting(): number {
    return this.firstWaiters.length + this.waiters.length;
  }
}
