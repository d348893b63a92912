// Cold-start throughput: how many labs this host makes ready per minute when a class presses
// Start together and there is no warm lab, at 1, 2 and 3 labs booting at once
// (KUBELAB_MAX_CONCURRENT_STARTS). A burst of `labs` learners asks at the same moment; the
// real LabManager and DockerProvider start their labs; each lab's time from the request to
// ready is recorded, and labs per minute = labs / (time until the last one is ready). Each
// round has its own database and installation id and removes every container it started.
//
// By hand: npx tsx test/bench/cold-starts.bench-lib.ts [--labs 6] [--concurrency 1,2,3]
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { LabManager } from "@/sandbox/manager/manager";
import { DockerProvider } from "@/sandbox/providers/docker";
import { LABEL } from "@/sandbox/providers/types";
import { freshDatabase } from "../support/database";
import { LAB_IMAGE, requireDockerAndImage } from "../support/docker";

const log = pino({ level: process.env.BENCH_LOG_LEVEL ?? "silent" });

export interface ColdStartRound {
  concurrency: number;
  labs: number;
  /** Labs ready per minute over the whole burst. */
  perMinute: number;
  /** Seconds from the burst's request to each lab's ready, in the order they became ready. */
  readySeconds: number[];
}

export async function coldStartBurst(concurrency: number, labs: number): Promise<ColdStartRound> {
  const docker = await requireDockerAndImage();
  const installationId = `cold${randomBytes(4).toString("hex")}`;
  const { db, file } = freshDatabase();
  const provider = new DockerProvider({ installationId, version: "bench", image: LAB_IMAGE });
  const manager = new LabManager(provider, db, {
    poolSize: 0,
    capacity: labs + 1,
    idleTimeoutMs: 3600_000,
    maxAgeMs: 3 * 3600_000,
    readyTimeoutMs: 180_000,
    maxConcurrentStarts: concurrency,
    cullIntervalMs: 3600_000,
    version: "bench",
  }, log);
  try {
    await manager.init();
    const users = await Promise.all(Array.from({ length: labs }, async () => (await db.user.create({ data: {} })).id));
    const t0 = performance.now();
    const readyAt = new Map<string, number>();
    await Promise.all(users.map((u) => manager.request(u)));
    const deadline = Date.now() + 600_000;
    while (readyAt.size < labs) {
      if (Date.now() > deadline) throw new Error(`only ${readyAt.size} of ${labs} labs were ready after 10 minutes`);
      for (const u of users) {
        if (readyAt.has(u)) continue;
        const view = await manager.view(u);
        if (view.state === "ready") readyAt.set(u, performance.now());
        else if (view.state === "ended") throw new Error(`a lab ended while starting: ${view.reason}`);
      }
      await sleep(100);
    }
    const readySeconds = [...readyAt.values()].map((t) => (t - t0) / 1000).sort((a, b) => a - b);
    const wall = readySeconds.at(-1)!;
    return {
      concurrency,
      labs,
      perMinute: labs / (wall / 60),
      readySeconds,
    };
  } finally {
    await manager.close();
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL.installation}=${installationId}`] } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
    provider.close();
    await db.$disconnect();
    rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

/** One burst per concurrency, in order, each on a host left quiet by the one before. */
export async function coldStartThroughput({ labs = 6, concurrency = [1, 2, 3] }: { labs?: number; concurrency?: number[] } = {}): Promise<ColdStartRound[]> {
  const rounds: ColdStartRound[] = [];
  for (const c of concurrency) {
    rounds.push(await coldStartBurst(c, labs));
    await sleep(3000);
  }
  return rounds;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const labs = Number(arg("labs") ?? 6);
  const concurrency = (arg("concurrency") ?? "1,2,3").split(",").map(Number);
  for (const r of await coldStartThroughput({ labs, concurrency })) {
    const p = (q: number) => r.readySeconds[Math.min(r.readySeconds.length - 1, Math.floor(q * r.readySeconds.length))]!.toFixed(1);
    console.log(`concurrency ${r.concurrency}: ${r.labs} labs, ${r.perMinute.toFixed(1)} labs/min; request → ready first ${r.readySeconds[0]!.toFixed(1)} s, median ${p(0.5)} s, last ${r.readySeconds.at(-1)!.toFixed(1)} s`);
  }
}
