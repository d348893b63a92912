// Health of the data layer. Public by design: it reveals no data, only whether the database answers.
import "server-only";
import { db } from "@/app/_lib/db/client";

export async function checkDatabase(): Promise<{ ok: boolean; latencyMs?: number; error?: string }> {
  const started = performance.now();
  try {
    await db.$queryRaw`SELECT 1`;
    return { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message.split("\n")[0] : "unknown error" };
  }
}
