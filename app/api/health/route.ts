// Health for operators and load balancers: the database, the lab engine and the pool.
// Public by design: it reveals counts, never who owns what.
import { checkDatabase, checkLabEngine } from "@/app/_lib/data/health";
import { labRuntimeIfRunning } from "@/app/_lib/lab/runtime";

export const dynamic = "force-dynamic";

export async function GET() {
  const [database, provider] = await Promise.all([checkDatabase(), checkLabEngine()]);
  const runtime = labRuntimeIfRunning();
  const labs = runtime ? await runtime.manager.summary().catch(() => null) : null;
  const ok = database.ok && provider.ok;
  return Response.json({ ok, database, provider, labs }, { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } });
}
