// The lab runtime of this process, as server.ts published it (create-runtime.ts). Next's
// server code is bundled apart from server.ts, so the one instance is a process slot
// (process-singleton.ts) and every copy of this module finds it there. Not server-only: server.ts imports it under tsx.
import type { LabManager } from "@/sandbox/manager/manager";
import type { LabMetrics } from "@/sandbox/manager/metrics";
import type { Provider } from "@/sandbox/providers/types";
import type { TerminalBridge } from "@/sandbox/terminal/bridge";
import type { ServerLeadership } from "@/app/_lib/cluster/leadership";
import { processSlot } from "@/app/_lib/process-singleton";

export interface LabRuntime {
  provider: Provider;
  manager: LabManager;
  bridge: TerminalBridge;
  metrics: LabMetrics;
  secret: Uint8Array;
  /** Why this provider: printed at start, shown in /api/health. */
  reason: string;
  /** Whether this server runs the pool, culler and reconcile (one of several sharing PostgreSQL does). */
  leadership: ServerLeadership;
}

const slot = processSlot<LabRuntime>("lab-runtime");

export function publishedRuntime(): LabRuntime | undefined {
  return slot.get();
}

export function publishRuntime(runtime: LabRuntime): void {
  slot.set(runtime);
}
