// Capacity is planned by each lab's memory limit (what every lab may grow to at once), and a
// new lab needs the host's available memory to hold that limit now.
import { describe, expect, it } from "vitest";
import { availableMemoryBytes, plannedCapacity, plannedCpuCapacity, roomForOneMoreLab } from "@/sandbox/manager/capacity";

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

describe("CPU plan", () => {
  it("fits the labs' planned CPU in the host's cores less half a core for the server and dockerd", () => {
    // 2 cores: 150 % of a core for labs at the default 10 % each; the memory plan alone said 44.
    expect(plannedCpuCapacity(10, 2)).toBe(15);
    expect(plannedCpuCapacity(10, 4)).toBe(35);
    expect(plannedCpuCapacity(6, 2)).toBe(25);
    expect(plannedCpuCapacity(3, 2)).toBe(50);
    for (const [share, cores] of [[6, 2], [4.5, 8], [10, 3]]) {
      expect(plannedCpuCapacity(share!, cores!) * share!).toBeLessThanOrEqual((cores! - 0.5) * 100);
    }
  });

  it("never says zero, and refuses a share of nothing", () => {
    expect(plannedCpuCapacity(100, 1)).toBe(1);
    expect(() => plannedCpuCapacity(0, 2)).toThrow(/above 0 %/);
  });
});

describe("memory budget for labs of several profiles", () => {
  it("is the host's memory less the reserve, so labs' limits together fit beside it", async () => {
    const { plannedMemoryBudget } = await import("@/sandbox/manager/capacity");
    expect(plannedMemoryBudget(24 * GiB)).toBe(22 * GiB);
    expect(plannedMemoryBudget(GiB)).toBe(0);
  });
});
