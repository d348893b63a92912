// The leader lock among servers sharing one PostgreSQL database: of two holders, one leads;
// when PostgreSQL ends the leader's session (a crash, a lost network, here
// pg_terminate_backend) the standby takes over at its next try, and the old leader, back on a
// new session, stands by; when the leader shuts down, the lock passes on as well.
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresLeaderLock } from "@/app/_lib/cluster/leader-lock";
import { emptyPostgresDatabase, queryPostgres } from "../support/database";

const silent = pino({ level: "silent" });
/** Short, so the test is quick; the server's default is seconds. */
const RETRY_MS = 150;

let url: string;
let a: PostgresLeaderLock;
let b: PostgresLeaderLock;
const changesOfA: boolean[] = [];
const changesOfB: boolean[] = [];

const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryPostgres<T>(url, text, values);

const backendsOf = async (name: string) => (await sql<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [name])).map((r) => r.pid);

beforeAll(async () => {
  url = await emptyPostgresDatabase();
  a = new PostgresLeaderLock({ url, log: silent, retryMs: RETRY_MS, name: "a" });
  b = new PostgresLeaderLock({ url, log: silent, retryMs: RETRY_MS, name: "b" });
  a.onChange((leads) => changesOfA.push(leads));
  b.onChange((leads) => changesOfB.push(leads));
});

afterAll(async () => {
  await a?.close();
  await b?.close();
});

describe("leader lock on PostgreSQL", { timeout: 30_000 }, () => {
  it("the first to ask leads; the second stands by, asking again", async () => {
    await a.start();
    await b.start();
    expect(a.leads()).toBe(true);
    expect(b.leads()).toBe(false);
    // Several tries of the standby later, nothing has moved.
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS * 4));
    expect([a.leads(), b.leads()]).toEqual([true, false]);
  });

  it("moves to the standby when the leader's session is terminated; the old leader comes back as standby", async () => {
    const [session] = await backendsOf(a.sessionName);
    expect(session).toBeTypeOf("number");
    await sql("SELECT pg_terminate_backend($1)", [session]);
    await expect.poll(() => b.leads(), { timeout: 10_000, interval: 50 }).toBe(true);
    expect(a.leads()).toBe(false);
    // A is connected again (a new session), asks, and stays standby.
    await expect.poll(async () => (await backendsOf(a.sessionName)).filter((pid) => pid !== session).length, { timeout: 10_000, interval: 50 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS * 4));
    expect([a.leads(), b.leads()]).toEqual([false, true]);
    // PostgreSQL agrees: one session holds the lock, B's.
    const holders = await sql<{ application_name: string }>(
      "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted",
    );
    expect(holders).toEqual([{ application_name: b.sessionName }]);
  });

  it("passes the lock on when the leader shuts down", async () => {
    await b.close();
    await expect.poll(() => a.leads(), { timeout: 10_000, interval: 50 }).toBe(true);
    expect(changesOfA).toEqual([true, false, true]);
    expect(changesOfB).toEqual([true, false]);
  });
});
