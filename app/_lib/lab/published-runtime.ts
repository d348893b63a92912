// The lab runtime of this process, as server.ts published it (create-runtime.ts). Next's
// server code is bundled apart from server.ts, so the one instance lives on globalThis and
// every copy of this module finds it there. Not server-only: server.ts imports it under tsx.
import type { LabManager } from "@/sandbox/manager/manager";
import type { LabMetrics } from "@/sandbox/manager/metrics";
import type { Provider } from "@/sandbox/providers/types";
import type { TerminalBridge } from "@/sandbox/terminal/bridge";

export interface LabRuntime {
  provider: Provider;
  manager: LabManager;
  bridge: TerminalBridge;
  metrics: LabMetrics;
  secret: Uint8Array;
  /** Why this provider: printed at start, shown in /api/health. */
  reason: string;
}

const holder = globalThis as unknown as { kubelabRuntime?: LabRuntime };

export function publishedRuntime(): LabRuntime | undefined {
  return holder.kubelabRuntime;
}

export function publishRuntime(runtime: LabRuntime): void {
  holder.kubelabRuntime = runtime;
}
