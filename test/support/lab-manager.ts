// The lab manager settings the manager's integration tests share: timeouts long enough that
// nothing ends a lab unless the test asks (culling is driven by cull(now), not the timer).
// Each file sets its own pool size and capacity.
import type { ManagerConfig } from "@/sandbox/manager/manager";

export const TEST_MANAGER_DEFAULTS: Omit<ManagerConfig, "poolSize" | "capacity"> = {
  idleTimeoutMs: 30 * 60_000,
  maxAgeMs: 3 * 3600_000,
  readyTimeoutMs: 120_000,
  maxConcurrentStarts: 2,
  cullIntervalMs: 3600_000,
  version: "it",
};
