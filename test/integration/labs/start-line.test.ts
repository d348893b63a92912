// The line of labs waiting to boot, on the real Docker engine: at most maxConcurrentStarts
// boot at once; each learner waiting is told their place, and an estimate once this host has
// measured a cold start (never an invented one before); a learner at their screen boots before
// labs warmed ahead for a class.
import { randomBytes } from "node:crypto";
import type Docker from "dockerode";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/prisma/generated/client";
import { LabManager } from "@/sandbox/manager/manager";
import type { LabView } from "@/sandbox/manager/view";
import { DockerProvider } from "@/sandbox/providers/docker";
import { LABEL } from "@/sandbox/providers/types";
import { freshDatabase } from "../../support/database";
import { LAB_IMAGE, requireDockerAndImage } from "../../support/docker";
import { until } from "../../support/until";

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
const installationId = `sl${randomBytes(4).toString("hex")}`;
let docker: Docker;
let db: PrismaClient;
let provider: DockerProvider;
let manager: LabManager;

const user = async () => (await db.user.create({ data: {} })).id;
type Starting = Extract<LabView, { state: "starting" }>;
const starting = async (u: string): Promise<Starting> => {
  const v = await manager.view(u);
  if (v.state !== "starting") throw new Error(`expected a starting lab, got ${JSON.stringify(v)}`);
  return v;
};

beforeAll(async () => {
  docker = await requireDockerAndImage();
  ({ db } = freshDatabase());
  provider = new DockerProvider({ installationId, version: "it", image: LAB_IMAGE, memoryBytes: 512 * 1024 * 1024 });
  manager = new LabManager(provider, db, {
    poolSize: 0,
    capacity: 6,
    idleTimeoutMs: 30 * 60_000,
    maxAgeMs: 3 * 3600_000,
    readyTimeoutMs: 120_000,
    maxConcurrentStarts: 1,
    cullIntervalMs: 3600_000,
    version: "it",
  }, log);
  await manager.init();
});

afterAll(async () => {
  await manager?.close();
  // A lab still booting would make its container after the sweep below: wait for the boots to end.
  await until("no lab booting", () => db.sandbox.count({ where: { status: { in: ["starting", "warming"] } } }), (n) => n === 0, 240_000).catch(() => undefined);
  provider?.close();
  const all = await docker.listContainers({ all: true, filters: { label: [`${LABEL.installation}=${installationId}`] } }).catch(() => []);
  for (const c of all) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  await db?.$disconnect();
});

describe("the line of labs waiting to boot", () => {
  const users: string[] = [];

  it("tells each waiting learner their place, and no estimate before this host measured a cold start", async () => {
    for (let i = 0; i < 3; i++) users.push(await user());
    for (const u of users) await manager.request(u);
    const [first, second, third] = await Promise.all(users.map(starting));
    // One boots (no place in line), two wait behind it.
    expect(first!.position).toBeUndefined();
    expect([second!.position, third!.position]).toEqual([1, 2]);
    expect([first!.estimateSeconds, second!.estimateSeconds, third!.estimateSeconds]).toEqual([undefined, undefined, undefined]);
  });

  it("once a cold start was measured, gives an estimate that grows with the place in line", async () => {
    await until("the first lab ready", () => manager.view(users[0]!), (v) => v.state === "ready");
    const second = await until("the second lab booting", () => starting(users[1]!), (v) => v.position === undefined);
    const third = await starting(users[2]!);
    expect(third.position).toBe(1);
    expect(second.estimateSeconds).toEqual(expect.any(Number));
    expect(third.estimateSeconds).toEqual(expect.any(Number));
    // The third waits for the second's slot and then boots: longer than the second has left.
    expect(third.estimateSeconds!).toBeGreaterThan(second.estimateSeconds!);
  });

  it("a learner at their screen boots before labs warmed ahead for a class", async () => {
    // The line is: users[2] waiting (users[1] booting). Warm two labs for a class, then a learner asks.
    const classmates = [await user(), await user()];
    expect(await manager.warmFor({ key: "cohort:line", until: new Date(Date.now() + 600_000) }, classmates)).toEqual({ started: 2, short: 0 });
    const late = await user();
    await manager.request(late);
    // The learner who asked last is ahead of both warm-ups (behind users[2], who asked before).
    const lateView = await starting(late);
    expect(lateView.position).toBe((await starting(users[2]!)).position! + 1);
    const warming = await db.sandbox.findMany({ where: { reservedFor: "cohort:line" } });
    expect(warming.every((w) => w.status === "warming")).toBe(true);
    await until("the late learner's lab ready", () => manager.view(late), (v) => v.state === "ready", 240_000);
    // When her lab is ready, no warm-up has finished before it.
    expect((await db.sandbox.findMany({ where: { reservedFor: "cohort:line", status: "pooled" } })).length).toBe(0);
  }, 300_000);
});
