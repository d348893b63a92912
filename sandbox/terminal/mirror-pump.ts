// Hands shell output to the headless screen mirrors (bridge.ts) a slice at a time, for every
// shell of the server together. xterm.js parses each terminal's pending output in time slices
// of its own; with 40 shells flooding at once (`yes`, `cat /dev/urandom`) each took its slice
// in turn, and every other learner's keystroke echo waited behind all of them (p99 in the
// hundreds of ms, up to seconds). Here at most MAX_IN_FLIGHT mirrors parse at a time, each
// at most SLICE_BYTES, round robin: the event loop gets back to sockets after a millisecond
// or two whatever the number of floods. A mirror that falls behind holds its shell back
// (bridge.ts), as a slow browser does, so nothing queues without bound.

/** What the pump needs from a mirror. */
export interface PumpedMirror {
  /** Parses the next slice (at most `maxBytes`) and calls `done` once it is parsed; false when nothing is queued. */
  parseNext(maxBytes: number, done: () => void): boolean;
}

export const SLICE_BYTES = 16 * 1024;
export const MAX_IN_FLIGHT = 2;

export class MirrorPump {
  /** Mirrors with output queued, in the order they asked (a Set keeps insertion order). */
  private readonly waiting = new Set<PumpedMirror>();
  private inFlight = 0;
  /** The largest slice handed to a mirror so far (for tests and the benchmark). */
  largestSlice = 0;

  constructor(
    private readonly sliceBytes = SLICE_BYTES,
    private readonly maxInFlight = MAX_IN_FLIGHT,
  ) {}

  /** A mirror has output queued: it gets a turn. */
  request(mirror: PumpedMirror): void {
    this.waiting.add(mirror);
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.size > 0) {
      const mirror = this.waiting.values().next().value as PumpedMirror;
      this.waiting.delete(mirror);
      this.inFlight++;
      let finished = false;
      const done = () => {
        if (finished) return;
        finished = true;
        this.inFlight--;
        // Back in line behind the others, if it has more.
        this.waiting.add(mirror);
        // Not from inside xterm's callback: the next slice starts on a fresh turn of the loop.
        setImmediate(() => this.pump());
      };
      if (!mirror.parseNext(this.sliceBytes, done)) {
        finished = true;
        this.inFlight--;
        this.waiting.delete(mirror);
      }
    }
  }

  noteSlice(bytes: number): void {
    if (bytes > this.largestSlice) this.largestSlice = bytes;
  }
}
