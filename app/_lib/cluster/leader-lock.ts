// The leader among kubelab servers that share one PostgreSQL database: the one holding a
// session-level advisory lock (pg_try_advisory_lock) on a connection of its own
// (dedicated-connection.ts). PostgreSQL releases the lock when that session ends, whether the
// server shut down, crashed or lost its network, so the others only have to keep asking:
// each tries again every retryMs and one takes over within seconds. The leader asks its
// session a question on the same timer, so a session that silently died is noticed, not
// trusted. Only the leader runs the warm pool, the culler and reconcile (sandbox/manager/
// leadership.ts). SQLite has one server process, which always leads (SOLE_LEADER).
// Not server-only: server.ts builds the lab runtime under tsx.
import { EventEmitter } from "node:events";
import { randomBytes } from "node:crypto";
import type pg from "pg";
import type { Logger } from "pino";
import type { Leadership } from "@/sandbox/manager/leadership";
import { DedicatedConnection } from "./dedicated-connection";

/**
 * The advisory lock's key: any fixed 64-bit number, the same in every kubelab server. Advisory
 * locks are per database, so installations on separate databases of one server do not meet.
 * (The first bytes of sha256("kubelab leader"), as a signed bigint.)
 */
export const LEADER_LOCK_KEY = "3358321624924329149";
export const DEFAULT_LEADER_RETRY_MS = 2000;

export interface LeaderLockOptions {
  url: string;
  log: Logger;
  /** How often a standby asks for the lock, and the leader checks its session. */
  retryMs?: number;
  /** Tells this lock's session apart in pg_stat_activity (a test terminates one by it). */
  name?: string;
}

export class PostgresLeaderLock implements Leadership {
  readonly shared = true;
  readonly sessionName: string;
  private leading = false;
  private timer?: NodeJS.Timeout;
  private asking = false;
  private readonly changes = new EventEmitter();
  private readonly connection: DedicatedConnection;

  constructor(private readonly o: LeaderLockOptions) {
    this.sessionName = `kubelab-leader-${o.name ?? randomBytes(4).toString("hex")}`;
    this.connection = new DedicatedConnection({
      url: o.url,
      applicationName: this.sessionName,
      log: o.log,
      // A new session holds nothing yet: ask at once.
      onConnect: (client) => this.ask(client),
      onLost: () => this.set(false, "its database session ended"),
    });
  }

  /** Connects and asks once; then asks again every retryMs in the background. */
  async start(): Promise<void> {
    await this.connection.start();
    this.timer = setInterval(() => void this.tick(), this.o.retryMs ?? DEFAULT_LEADER_RETRY_MS);
    this.timer.unref();
  }

  leads(): boolean {
    return this.leading;
  }

  onChange(listener: (leads: boolean) => void): () => void {
    this.changes.on("change", listener);
    return () => this.changes.off("change", listener);
  }

  /** Gives the lock up (closing its session), so a standby takes over at its next try. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.connection.close();
    this.set(false, "this server is shutting down");
  }

  private async tick(): Promise<void> {
    const client = this.connection.current;
    if (!client || this.asking) return;
    if (this.leading) {
      // Still our session? A query that fails means the lock may be someone else's by now.
      await client.query("SELECT 1").catch(() => this.set(false, "its database session stopped answering"));
      return;
    }
    await this.ask(client).catch((error: unknown) => this.o.log.warn({ err: error }, "could not ask for the leader lock"));
  }

  private async ask(client: pg.Client): Promise<void> {
    this.asking = true;
    try {
      const { rows } = await client.query<{ taken: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS taken", [LEADER_LOCK_KEY]);
      // The session may have ended while asking; then it holds nothing.
      if (rows[0]?.taken && this.connection.current !== null && this.connection.current !== client) return;
      if (rows[0]?.taken) this.set(true, "took the leader lock");
    } finally {
      this.asking = false;
    }
  }

  private set(leading: boolean, why: string): void {
    if (leading === this.leading) return;
    this.leading = leading;
    this.o.log.info({ leader: leading, why, session: this.sessionName }, leading ? "this server now leads: it runs the warm pool, culler and reconcile" : "this server no longer leads");
    this.changes.emit("change", leading);
  }
}
