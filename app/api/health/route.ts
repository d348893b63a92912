// Health for operators and load balancers: the database, the lab provider and the pool.
// Public by design: it reveals counts, never who owns what.
import { checkDatabase } from "@/app/_lib/data/health";
import { labRuntimeIfRunning } from "@/app/_lib/lab/runtime";

export const dynamic = "force-dynamic";

export async function GET() {
  const database = await checkDatabase();
  const runtime = labRuntimeIfRunning();
  const provider = runtime
    ? { ok: (await runtime.provider.ping()).ok, kind: runtime.provider.kind, why: runtime.reason }
    : { ok: false, kind: null, why: "the lab runtime is not running in this process (start with server.ts)" };
  const labs = runtime ? await runtime.manager.summary() : null;
  const ok = database.ok && provider.ok;
  return Response.json({ ok, database, provider, labs }, { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } });
}
