// Whether the lab engine can run labs right now (the engine answers and the lab image is
// there), asked on a timer. Labs are offered only while it can; while it cannot, nothing
// else is offered in its place (there is no fall-back to an unisolated shell), the reason
// is on /api/health, and the manager neither starts labs nor counts a lab it cannot see
// as dead.
import type { Logger } from "pino";
import type { Provider } from "@/sandbox/providers/types";

export interface EngineState {
  up: boolean;
  /** Why labs are or are not available, for operators (health, log). */
  reason: string;
  /** When `up` last changed. */
  since: Date;
}

export interface EngineWatchOptions {
  /** How often to ask while the engine is up, and while it is down (sooner: learners wait). */
  upIntervalMs: number;
  downIntervalMs: number;
  /** A ping that takes longer than this counts as no answer (a TCP engine may hang). */
  timeoutMs: number;
}

const DEFAULTS: EngineWatchOptions = { upIntervalMs: 30_000, downIntervalMs: 5_000, timeoutMs: 10_000 };

export class EngineWatch {
  private current: EngineState;
  private timer?: NodeJS.Timeout;
  private readonly listeners = new Set<(state: EngineState) => void>();
  private readonly options: EngineWatchOptions;
  private checking?: Promise<EngineState>;
  private known = false;

  constructor(
    private readonly provider: Provider,
    private readonly log: Logger,
    options: Partial<EngineWatchOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.current = { up: false, reason: "not checked yet", since: new Date() };
  }

  get state(): EngineState {
    return this.current;
  }

  get up(): boolean {
    return this.current.up;
  }

  /** Asks the engine now; concurrent callers share one question. */
  check(): Promise<EngineState> {
    this.checking ??= this.ask().finally(() => (this.checking = undefined));
    return this.checking;
  }

  /** Starts asking on a timer. The first answer is awaited, so start-up knows where it stands. */
  async start(): Promise<EngineState> {
    const state = await this.check();
    this.schedule();
    return state;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  onChange(listener: (state: EngineState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Something else (a failed Docker call) saw the engine go away: ask again soon, not in 30 s. */
  suspect(): void {
    if (!this.current.up) return;
    void this.check();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.check().finally(() => this.schedule());
    }, this.current.up ? this.options.upIntervalMs : this.options.downIntervalMs);
    this.timer.unref();
  }

  private async ask(): Promise<EngineState> {
    let timeout: NodeJS.Timeout | undefined;
    const answer = await Promise.race([
      this.provider.ping(),
      new Promise<{ ok: false; detail: string }>((resolve) => {
        timeout = setTimeout(() => resolve({ ok: false, detail: `no answer within ${this.options.timeoutMs} ms` }), this.options.timeoutMs);
      }),
    ]).finally(() => clearTimeout(timeout));
    const reason = answer.ok ? this.provider.description : `labs are unavailable: ${answer.detail ?? "the lab engine does not answer"}`;
    const changed = !this.known || answer.ok !== this.current.up;
    this.known = true;
    this.current = { up: answer.ok, reason, since: changed ? new Date() : this.current.since };
    if (changed) {
      if (answer.ok) this.log.info({ provider: this.provider.kind }, "the lab engine answers; labs are available");
      else this.log.error({ provider: this.provider.kind, reason }, "labs are unavailable");
      for (const l of this.listeners) l(this.current);
      // A change of state moves the next question to the other interval.
      if (this.timer) this.schedule();
    }
    return this.current;
  }
}

/** A lab was asked for while the engine cannot run one; the message is the engine's reason. */
export class EngineUnavailableError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "EngineUnavailableError";
  }
}
