// A lesson says which lab it needs in its front matter: `lab: sim | node`, sim by default.
import { describe, expect, it } from "vitest";
import { frontMatterSchema } from "@/app/_lib/lessons/schema";

const base = { title: "Pods", summary: "One sentence.", order: 1, minutes: 15, level: "beginner", objectives: ["Run a pod"] };

describe("front matter lab", () => {
  it("defaults to sim, the light profile, so existing lessons are unchanged", () => {
    expect(frontMatterSchema.parse(base).lab).toBe("sim");
  });

  it("accepts node for lessons that need real pods", () => {
    expect(frontMatterSchema.parse({ ...base, lab: "node" }).lab).toBe("node");
  });

  it("refuses any other profile with the field's name", () => {
    const result = frontMatterSchema.safeParse({ ...base, lab: "kind" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["lab"]);
  });
});
