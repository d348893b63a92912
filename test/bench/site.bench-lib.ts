// Benchmarks of the lesson site: SSR of a lesson page under concurrent clients, against
// the production build, and the cost of compiling a lesson against serving it cached.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CompiledLessonCache } from "@/app/_lib/lessons/cache";
import { listLessonIds, readLessonSource } from "@/app/_lib/lessons/source";
import { startServer } from "../support/server";

/** CPU time (user + system) of every process in a process group so far, from /proc (Linux). */
function groupCpuMs(group: number): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === group) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended while listing
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

export interface LessonPageLoad {
  /** Latency of each request. */
  samples: number[];
  /** Server CPU per request under the load: on a shared host this, not wall time, says what the page costs. */
  cpuMsPerRequest: number;
  /** What a page weighs on the wire (compression is off): the HTML, and the RSC payload of a client-side navigation. */
  htmlBytes: number;
  rscBytes: number;
}

/**
 * Latency of each request while `clients` fetch the lesson page concurrently, `perClient` times
 * each. With `servers` > 1, that many server processes (each its own data directory, as
 * replicas behind a load balancer) and the clients spread over them in turn, as a
 * round-robin balancer would: whether the one event loop, not the host, bounds the tail.
 */
export async function lessonSsr({ clients = 50, perClient = 20, lesson = "02-kubernetes-components", servers = 1 } = {}): Promise<LessonPageLoad> {
  const started = await Promise.all(Array.from({ length: servers }, () => startServer({ KUBELAB_POOL_SIZE: "0", KUBELAB_PROVIDER: "auto" })));
  try {
    const urls = started.map((server) => `${server.baseURL}/ko/lessons/${lesson}`);
    // Warm up as a server in use would be: compile cache, Next's route, and V8's JIT, which
    // needs a few hundred requests before it settles.
    await Promise.all(urls.flatMap((url) => Array.from({ length: 10 }, async () => {
      for (let i = 0; i < 30; i++) await (await fetch(url)).text();
    })));
    const htmlBytes = (await (await fetch(urls[0]!)).arrayBuffer()).byteLength;
    const rscBytes = (await (await fetch(urls[0]!, { headers: { RSC: "1" } })).arrayBuffer()).byteLength;
    const samples: number[] = [];
    const cpu = () => started.reduce((sum, server) => sum + groupCpuMs(server.processGroup), 0);
    const cpu0 = cpu();
    await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        for (let i = 0; i < perClient; i++) {
          const url = urls[(client + i) % urls.length]!;
          const t0 = performance.now();
          const res = await fetch(url);
          await res.text();
          if (res.status !== 200) throw new Error(`lesson page answered ${res.status}`);
          samples.push(performance.now() - t0);
        }
      }),
    );
    return { samples, cpuMsPerRequest: (cpu() - cpu0) / samples.length, htmlBytes, rscBytes };
  } finally {
    await Promise.all(started.map((server) => server.stop()));
  }
}

/** Compiling each lesson from scratch, then fetching it from the warm cache. */
export async function lessonCompile(): Promise<{ cold: number[]; warm: number[] }> {
  const contentDir = path.resolve("content");
  const cold: number[] = [];
  const warm: number[] = [];
  const cache = new CompiledLessonCache(mkdtempSync(path.join(tmpdir(), "kubelab-bench-")));
  for (const id of listLessonIds(contentDir)) {
    for (const locale of ["ko", "en"] as const) {
      const source = readLessonSource(contentDir, id, locale);
      let t0 = performance.now();
      await cache.get(source);
      cold.push(performance.now() - t0);
      for (let i = 0; i < 20; i++) {
        t0 = performance.now();
        await cache.get(source);
        warm.push(performance.now() - t0);
      }
    }
  }
  if (cache.stats.compiles !== cold.length) throw new Error("the warm path compiled again");
  return { cold, warm };
}
