// Capacity is planned by each lab's memory limit (what every lab may grow to at once), and a
// new lab needs the host's available memory to hold that limit now.
import { describe, expect, it } from "vitest";
import { availableMemoryBytes, plannedCapacity, roomForOneMoreLab } from "@/sandbox/manager/capacity";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

describe("capacity", () => {
  it("plans by the lab's memory limit: every lab at its limit still fits beside a 2 GiB reserve", () => {
    expect(plannedCapacity(512 * MiB, 24 * GiB)).toBe(44);
    expect(plannedCapacity(GiB, 10 * GiB)).toBe(8);
    for (const [limit, host] of [[512 * MiB, 24 * GiB], [768 * MiB, 16 * GiB], [256 * MiB, 4 * GiB]]) {
      expect(plannedCapacity(limit!, host!) * limit!).toBeLessThanOrEqual(host! - 2 * GiB);
    }
  });

  it("never says zero", () => {
    expect(plannedCapacity(512 * MiB, 2 * GiB)).toBe(1);
  });

  it("admits a lab only while the host has its whole limit available, and some headroom", () => {
    expect(roomForOneMoreLab(512 * MiB, 2 * GiB)).toBe(true);
    expect(roomForOneMoreLab(512 * MiB, 700 * MiB)).toBe(false);
  });

  it("reads MemAvailable, not MemFree (page cache can be given back)", () => {
    const meminfo = "MemTotal:       24683544 kB\nMemFree:         1000000 kB\nMemAvailable:   20000000 kB\n";
    expect(availableMemoryBytes(meminfo)).toBe(20000000 * 1024);
    expect(availableMemoryBytes()).toBeGreaterThan(0);
  });
});

describe("memory budget for labs of several profiles", () => {
  it("is the host's memory less the reserve, so labs' limits together fit beside it", async () => {
    const { plannedMemoryBudget } = await import("@/sandbox/manager/capacity");
    expect(plannedMemoryBudget(24 * GiB)).toBe(22 * GiB);
    expect(plannedMemoryBudget(GiB)).toBe(0);
  });
});
