// Liveness and readiness for operators and load balancers: is the database answering?
// (The lab provider and pool join this report when the sandbox manager lands.)
import { checkDatabase } from "@/app/_lib/data/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const database = await checkDatabase();
  const ok = database.ok;
  return Response.json({ ok, database }, { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } });
}
