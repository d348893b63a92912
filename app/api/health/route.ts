// Health for operators and load balancers: the database, the lab engine and the pool.
// Public by design: it reveals counts, never who owns what.
import { checkDatabase, checkLabEngine } from "@/app/_lib/data/health";
import { labRuntimeIfRunning } from "@/app/_lib/lab/runtime";

export const dynamic = "force-dynamic";

export async function GET() {
  const [database, provider] = await Promise.all([checkDatabase(), checkLabEngine()]);
  const runtime = labRuntimeIfRunning();
  const summary = runtime ? await runtime.manager.summary().catch(() => null) : null;
  // leader: whether this server runs the pool, culler and reconcile (one of several sharing PostgreSQL does).
  const labs = summary && runtime ? { ...summary, leader: runtime.leadership.leads() } : null;
  const ok = database.ok && provider.ok;
  return Response.json({ ok, database, provider, labs }, { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } });
}
