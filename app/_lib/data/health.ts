// Health of the data layer and of the lab engine. Public by design: it reveals no data, only
// whether the database answers and whether (and why not) labs can run.
import "server-only";
import { statfs } from "node:fs/promises";
import path from "node:path";
import { env } from "@/app/_lib/config/env";
import { db } from "@/app/_lib/db/client";
import { labRuntimeIfRunning } from "@/app/_lib/lab/runtime";

/** Below this, writes (progress, sign-ups, sessions) are about to fail with "database or disk is full". */
export const DISK_LOW_BYTES = 16 * 1024 ** 2;

export async function checkDatabase(): Promise<{ ok: boolean; latencyMs?: number; error?: string; disk?: { ok: boolean; freeBytes: number; detail?: string } }> {
  const started = performance.now();
  const disk = await checkDataDisk();
  try {
    // A full disk still answers reads; it is the writes that fail, so it counts on its own.
    await db.$queryRaw`SELECT 1`;
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    return { ok: disk?.ok ?? true, latencyMs, ...(disk ? { disk } : {}) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message.split("\n")[0] : "unknown error", ...(disk ? { disk } : {}) };
  }
}

/** Free space where the SQLite file lives (none for a database elsewhere). */
async function checkDataDisk(): Promise<{ ok: boolean; freeBytes: number; detail?: string } | undefined> {
  const url = env().DATABASE_URL;
  if (!url.startsWith("file:")) return undefined;
  const dir = path.dirname(path.resolve(/*turbopackIgnore: true*/ process.cwd(), url.slice("file:".length).split("?")[0]!));
  try {
    const fs = await statfs(dir);
    const freeBytes = fs.bavail * fs.bsize;
    if (freeBytes >= DISK_LOW_BYTES) return { ok: true, freeBytes };
    return { ok: false, freeBytes, detail: `the database's disk (${dir}) is full or nearly: ${Math.round(freeBytes / 1024)} KiB free; new progress, sign-ups and sessions cannot be written` };
  } catch (error) {
    return { ok: false, freeBytes: 0, detail: `cannot read free space of ${dir}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

export interface LabEngineHealth {
  ok: boolean;
  kind: string | null;
  /** Why labs can or cannot run: the provider chosen, or what is missing (no engine, no image). */
  why: string;
  /** Since when labs have been (un)available. */
  since?: string;
  /** How the provider was chosen (KUBELAB_PROVIDER). */
  chosen?: string;
}

/** Asks the engine afresh (health is what operators and load balancers poll). */
export async function checkLabEngine(): Promise<LabEngineHealth> {
  const runtime = labRuntimeIfRunning();
  if (!runtime) return { ok: false, kind: null, why: "the lab runtime is not running in this process (start with server.ts)" };
  const engine = await runtime.manager.engine.check();
  return { ok: engine.up, kind: runtime.provider.kind, why: engine.reason, since: engine.since.toISOString(), chosen: runtime.reason };
}
