// The cluster bus on PostgreSQL (LISTEN/NOTIFY): two buses on separate connections, as two
// kubelab servers on one database, hear each other (and themselves); what arrives malformed
// is dropped; a message too big for NOTIFY is refused with a reason; and a listening session
// that PostgreSQL terminates is made again, after which messages arrive again.
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { labEventsOn } from "@/app/_lib/cluster/lab-events";
import { NOTIFY_CHANNEL, PostgresBus } from "@/app/_lib/cluster/postgres-bus";
import type { LabEvent } from "@/sandbox/manager/lab-events";
import { emptyPostgresDatabase, queryPostgres } from "../support/database";

const silent = pino({ level: "silent" });
const ping = z.strictObject({ id: z.string() });

let url: string;
let a: PostgresBus;
let b: PostgresBus;
/** Times b said it may have missed messages (through the lab events' view of the bus too). */
let missedAtB = 0;
let labMissedAtB = 0;

const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryPostgres<T>(url, text, values);

const backendOf = async (name: string) => (await sql<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [name])).map((r) => r.pid);

beforeAll(async () => {
  url = await emptyPostgresDatabase();
  a = new PostgresBus({ url, log: silent, name: "a", firstBackoffMs: 50 });
  b = new PostgresBus({ url, log: silent, name: "b", firstBackoffMs: 50 });
  await Promise.all([a.start(), b.start()]);
  await Promise.all([a.listening(), b.listening()]);
  b.onMissed(() => missedAtB++);
  labEventsOn(b, silent).onMissed?.(() => labMissedAtB++);
});

afterAll(async () => {
  await a?.close();
  await b?.close();
});

describe("cluster bus on PostgreSQL", { timeout: 30_000 }, () => {
  it("two buses on separate connections deliver each other's messages, and their own", async () => {
    const atA: string[] = [];
    const atB: string[] = [];
    a.channel("one", ping).subscribe((m) => atA.push(m.id));
    b.channel("one", ping).subscribe((m) => atB.push(m.id));
    await a.channel("one", ping).publish({ id: "from-a" });
    await b.channel("one", ping).publish({ id: "from-b" });
    await expect.poll(() => atB).toEqual(["from-a", "from-b"]);
    await expect.poll(() => atA).toEqual(["from-a", "from-b"]);
  });

  it("drops what does not match the channel's schema or is not a message at all", async () => {
    const atB: string[] = [];
    b.channel("two", ping).subscribe((m) => atB.push(m.id));
    // Written by hand, as anything else with access to the database could.
    await sql("SELECT pg_notify($1, $2)", [NOTIFY_CHANNEL, "not json"]);
    await sql("SELECT pg_notify($1, $2)", [NOTIFY_CHANNEL, JSON.stringify({ channel: "two", message: { id: 42 } })]);
    await sql("SELECT pg_notify($1, $2)", [NOTIFY_CHANNEL, JSON.stringify({ message: { id: "no channel" } })]);
    await a.channel("two", ping).publish({ id: "good" });
    // NOTIFY delivers in order: once the good one is here, the bad ones were seen and dropped.
    await expect.poll(() => atB).toEqual(["good"]);
  });

  it("carries the lab manager's events (a learner's lab changed, a lab ended) from one server to the other", async () => {
    const atB: LabEvent[] = [];
    labEventsOn(b, silent).subscribe((e) => atB.push(e));
    const fromA = labEventsOn(a, silent);
    fromA.publish({ kind: "changed", userId: "learner-1" });
    fromA.publish({ kind: "ended", sandboxId: "lab-1", reason: "idle" });
    await expect.poll(() => atB).toEqual([
      { kind: "changed", userId: "learner-1" },
      { kind: "ended", sandboxId: "lab-1", reason: "idle" },
    ]);
  });

  it("refuses a message too big for NOTIFY, saying to send ids", async () => {
    await expect(a.channel("three", ping).publish({ id: "x".repeat(9000) })).rejects.toThrow(/send ids/);
  });

  it("after PostgreSQL terminates its listening session, the bus listens again, says it may have missed messages, and delivers", async () => {
    // Connected once, never cut off: nothing missed.
    expect([missedAtB, labMissedAtB]).toEqual([0, 0]);
    const atB: string[] = [];
    b.channel("four", ping).subscribe((m) => atB.push(m.id));
    const [before] = await backendOf(b.listenerName);
    expect(before).toBeTypeOf("number");
    await sql("SELECT pg_terminate_backend($1)", [before]);
    // Messages sent while it is away are lost (NOTIFY keeps none); keep sending until one arrives.
    let n = 0;
    await expect
      .poll(
        async () => {
          await a.channel("four", ping).publish({ id: `after-${++n}` });
          return atB.length;
        },
        { timeout: 15_000, interval: 100 },
      )
      .toBeGreaterThan(0);
    expect(atB.every((id) => id.startsWith("after-"))).toBe(true);
    const after = await backendOf(b.listenerName);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before);
    // Listeners were told once that messages may have been lost meanwhile.
    expect([missedAtB, labMissedAtB]).toEqual([1, 1]);
  });
});
