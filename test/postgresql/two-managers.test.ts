// Two lab managers on one PostgreSQL database and one Docker engine, as two kubelab servers
// behind a load balancer: each with its own leader lock and its own cluster bus, on
// connections of their own, and real lab containers. Only the leader keeps the warm pool;
// a learner claiming a lab through the standby is heard by the leader's listeners, and the
// pool is refilled by the leader; when PostgreSQL ends the leader's session the standby
// takes over, adopts the running labs (ending none) and keeps the pool from then on.
import { randomBytes } from "node:crypto";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAdapter, postgresClient } from "@/app/_lib/db/create";
import { labEventsOn } from "@/app/_lib/cluster/lab-events";
import { PostgresLeaderLock } from "@/app/_lib/cluster/leader-lock";
import { PostgresBus } from "@/app/_lib/cluster/postgres-bus";
import type { PrismaClient } from "@/prisma/generated/client";
import { migratePostgres } from "@/prisma/migrate";
import { providerFiles } from "@/prisma/providers";
import { LabManager } from "@/sandbox/manager/manager";
import { createLabMetrics, type LabMetrics } from "@/sandbox/manager/metrics";
import type { EndReason } from "@/sandbox/manager/view";
import { DockerProvider } from "@/sandbox/providers/docker";
import { emptyPostgresDatabase, queryPostgres } from "../support/database";
import { LAB_IMAGE, removeInstallationLabs, requireDockerAndImage, runningLabsOf } from "../support/docker";
import { TEST_MANAGER_DEFAULTS } from "../support/lab-manager";
import { until } from "../support/until";

/** Each server's log lines, as an operator would read them. */
function serverLog(): { log: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}
const installationId = `it${randomBytes(4).toString("hex")}`;

interface Server {
  name: string;
  lines: Record<string, unknown>[];
  db: PrismaClient;
  provider: DockerProvider;
  bus: PostgresBus;
  lock: PostgresLeaderLock;
  metrics: LabMetrics;
  manager: LabManager;
}

let url: string;
let one: Server;
let two: Server;
let admin: PrismaClient;

async function startServer(name: string): Promise<Server> {
  const { log, lines } = serverLog();
  const db = postgresClient(postgresAdapter(url));
  const provider = new DockerProvider({ installationId, version: "it", image: LAB_IMAGE, memoryBytes: 512 * 1024 * 1024 });
  const bus = new PostgresBus({ url, log, name, firstBackoffMs: 50 });
  await bus.start();
  await bus.listening();
  // Short, so the test is quick; the server's default is 2 s.
  const lock = new PostgresLeaderLock({ url, log, name, retryMs: 200 });
  await lock.start();
  const metrics = createLabMetrics();
  // No reconcile on a timer during the test: a refill seen here came from the lab events.
  const manager = new LabManager(provider, db, { ...TEST_MANAGER_DEFAULTS, poolSize: 1, capacity: 3, reconcileIntervalMs: 3600_000 }, log, metrics, { events: labEventsOn(bus, log), leadership: lock });
  await manager.init();
  return { name, lines, db, provider, bus, lock, metrics, manager };
}

const sql = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => queryPostgres<T>(url, text, values);

const byStatus = async (status: string) => admin.sandbox.findMany({ where: { status }, select: { id: true } });
const leaderGauge = async (s: Server) => (await s.metrics.leader.get()).values[0]?.value;

beforeAll(async () => {
  await requireDockerAndImage();
  url = await emptyPostgresDatabase();
  await migratePostgres(url, providerFiles("postgresql").migrations);
  admin = postgresClient(postgresAdapter(url));
  one = await startServer("one");
  two = await startServer("two");
});

afterAll(async () => {
  for (const s of [one, two]) {
    if (!s) continue;
    await s.manager.close();
    await s.lock.close();
    await s.bus.close();
    s.provider.close();
    await s.db.$disconnect();
  }
  await admin?.$disconnect();
  await removeInstallationLabs(installationId);
});

describe("two lab managers on one PostgreSQL database", { timeout: 300_000 }, () => {
  it("only the first, the leader, keeps the warm pool; the standby's refill starts nothing", async () => {
    expect([one.lock.leads(), two.lock.leads()]).toEqual([true, false]);
    // The standby did not reconcile: that is the leader's job.
    expect(two.lines.some((l) => l.msg === "reconciled labs")).toBe(false);
    expect([await leaderGauge(one), await leaderGauge(two)]).toEqual([1, 0]);
    await until("a pooled lab", () => byStatus("pooled"), (rows) => rows.length === 1);
    await two.manager.refillPool();
    expect(await admin.sandbox.count({ where: { status: { in: ["starting", "warming", "pooled", "ready"] } } })).toBe(1);
    expect(await runningLabsOf(installationId)).toHaveLength(1);
  });

  it("a learner claiming the pooled lab through the standby is heard on the leader, which refills the pool", async () => {
    const alice = (await admin.user.create({ data: {} })).id;
    const [pooled] = await byStatus("pooled");
    let heardOnOne = 0;
    one.manager.subscribe(alice, () => heardOnOne++);
    const view = await two.manager.request(alice);
    expect(view).toMatchObject({ state: "ready", sandboxId: pooled!.id });
    await until("the leader to hear of alice's lab", () => heardOnOne, (n) => n > 0, 15_000);
    expect(await one.manager.view(alice)).toMatchObject({ state: "ready", sandboxId: pooled!.id });
    // The standby claimed; the leader refills, without waiting for its next reconcile.
    await until("the leader to refill the pool", () => byStatus("pooled"), (rows) => rows.length === 1 && rows[0]!.id !== pooled!.id);
    // A lab ended through the leader closes its terminals on the standby too (onEnded feeds the terminal bridge).
    const endedOnTwo: [string, EndReason][] = [];
    two.manager.onEnded((sandboxId, reason) => endedOnTwo.push([sandboxId, reason]));
    await one.manager.stop(alice);
    await until("the standby to hear the lab ended", () => endedOnTwo, (e) => e.length > 0, 15_000);
    expect(endedOnTwo).toEqual([[pooled!.id, "stopped"]]);
  });

  it("when PostgreSQL ends the leader's session, the standby takes over, ends no lab, and keeps the pool", async () => {
    const [pooled] = await byStatus("pooled");
    const [session] = await sql<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [one.lock.sessionName]);
    await sql("SELECT pg_terminate_backend($1)", [session!.pid]);
    await until("the standby to lead", () => two.lock.leads(), (leads) => leads, 15_000);
    expect(one.lock.leads()).toBe(false);
    expect([await leaderGauge(one), await leaderGauge(two)]).toEqual([0, 1]);
    expect(two.lines.some((l) => l.msg === "this server now leads: it runs the warm pool, culler and reconcile")).toBe(true);
    // Its first reconcile as leader adopted the pooled lab rather than ending it.
    const reconciled = await until("the new leader's first reconcile", () => two.lines.find((l) => l.msg === "reconciled labs"), (l) => l !== undefined, 15_000);
    expect(reconciled).toMatchObject({ adopted: 1, ended: 0, removed: 0, atStart: true });
    expect(await byStatus("pooled")).toEqual([pooled]);
    // A learner claims it through the old leader; the new leader refills.
    const bob = (await admin.user.create({ data: {} })).id;
    expect(await one.manager.request(bob)).toMatchObject({ state: "ready", sandboxId: pooled!.id });
    await until("the new leader to refill the pool", () => byStatus("pooled"), (rows) => rows.length === 1 && rows[0]!.id !== pooled!.id);
    expect(await runningLabsOf(installationId)).toHaveLength(2);
  });

  it("when its bus was cut off, a manager has every watched learner's view read again (changes may have gone unheard)", async () => {
    const carol = (await admin.user.create({ data: {} })).id;
    let told = 0;
    two.manager.subscribe(carol, () => told++);
    const [session] = await sql<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [two.bus.listenerName]);
    await sql("SELECT pg_terminate_backend($1)", [session!.pid]);
    // Nothing changed for carol; the stream is told to read again because it cannot know.
    await until("carol's watchers to be told", () => told, (n) => n > 0, 15_000);
  });
});
