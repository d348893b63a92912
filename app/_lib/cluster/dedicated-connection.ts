// One PostgreSQL connection of its own, kept open: LISTEN and session-level advisory locks
// belong to a session, so they cannot ride on the shared pool, where each statement may get
// another connection. When the connection drops (PostgreSQL restarted, an operator's
// pg_terminate_backend, a network cut) it is made again with back-off, and `onConnect` runs
// again on the new session (LISTEN again, try the lock again): what the old session held is gone.
// Not server-only: server.ts builds the lab runtime under tsx.
import pg from "pg";
import type { Logger } from "pino";

export interface DedicatedConnectionOptions {
  url: string;
  /** Shown in pg_stat_activity.application_name, so an operator (and a test) can tell it apart. */
  applicationName: string;
  log: Logger;
  /** Runs on each new session before it counts as connected (LISTEN, try a lock). */
  onConnect(client: pg.Client): Promise<void>;
  /** The session is gone: whatever it held (a lock, a LISTEN) went with it. */
  onLost?(): void;
  /** First wait before connecting again, doubled per failure up to maxBackoffMs. */
  firstBackoffMs?: number;
  maxBackoffMs?: number;
}

export class DedicatedConnection {
  private client: pg.Client | null = null;
  private closed = false;
  private failures = 0;
  private retry?: NodeJS.Timeout;
  private waiters: (() => void)[] = [];
  private connecting = false;

  constructor(private readonly o: DedicatedConnectionOptions) {}

  /** Starts connecting (and keeps at it); resolves after the first attempt, connected or not. */
  async start(): Promise<void> {
    await this.connect();
  }

  /** The live session, or null while there is none. */
  get current(): pg.Client | null {
    return this.client;
  }

  /** Resolves once a session is up (at once when one is). */
  connected(): Promise<void> {
    if (this.client) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed || this.connecting) return;
    this.connecting = true;
    const client = new pg.Client({ connectionString: this.o.url, application_name: this.o.applicationName, keepAlive: true });
    let lostOnce = false;
    // A terminated backend raises "error" and then "end"; either means the session is gone, once.
    const lost = (error?: Error) => {
      if (lostOnce) return;
      lostOnce = true;
      if (this.client === client) this.client = null;
      client.end().catch(() => undefined);
      if (this.closed) return;
      this.o.log.warn({ err: error, connection: this.o.applicationName }, "database connection lost; connecting again");
      this.o.onLost?.();
      this.scheduleRetry();
    };
    client.on("error", lost);
    client.on("end", () => lost());
    try {
      await client.connect();
      await this.o.onConnect(client);
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      if (lostOnce) return;
      if (this.failures > 0) this.o.log.info({ connection: this.o.applicationName, after: this.failures }, "database connection back");
      this.failures = 0;
      this.client = client;
      for (const resolve of this.waiters.splice(0)) resolve();
    } catch (error) {
      if (!lostOnce) {
        lostOnce = true;
        client.end().catch(() => undefined);
        if (!this.closed) {
          if (this.failures === 0) this.o.log.warn({ err: error, connection: this.o.applicationName }, "cannot connect to the database; trying again");
          this.scheduleRetry();
        }
      }
    } finally {
      this.connecting = false;
    }
  }

  private scheduleRetry(): void {
    clearTimeout(this.retry);
    const first = this.o.firstBackoffMs ?? 250;
    const wait = Math.min(first * 2 ** this.failures, this.o.maxBackoffMs ?? 5000);
    this.failures++;
    this.retry = setTimeout(() => void this.connect(), wait);
    this.retry.unref();
  }
}
