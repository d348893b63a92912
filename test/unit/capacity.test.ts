import { describe, expect, it } from "vitest";
import { defaultCapacity, TYPICAL_LAB_BYTES } from "@/sandbox/manager/capacity";

const GiB = 1024 ** 3;

describe("default capacity", () => {
  it("plans 24 GiB hosts for at least the design's 60 labs", () => {
    expect(defaultCapacity(TYPICAL_LAB_BYTES, 24 * GiB)).toBeGreaterThanOrEqual(60);
  });

  it("keeps a reserve for the server and never says zero", () => {
    expect(defaultCapacity(TYPICAL_LAB_BYTES, 2 * GiB)).toBe(1);
    expect(defaultCapacity(GiB, 10 * GiB)).toBe(8);
  });
});
