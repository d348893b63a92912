// Health of the data layer and of the lab engine. Public by design: it reveals no data, only
// whether the database answers and whether (and why not) labs can run.
import "server-only";
import { db } from "@/app/_lib/db/client";
import { labRuntimeIfRunning } from "@/app/_lib/lab/runtime";

export async function checkDatabase(): Promise<{ ok: boolean; latencyMs?: number; error?: string }> {
  const started = performance.now();
  try {
    await db.$queryRaw`SELECT 1`;
    return { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message.split("\n")[0] : "unknown error" };
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
