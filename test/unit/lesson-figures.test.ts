// Figures are served as files by app/figures/: only a lesson's own figure files, by name.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { figureFile, readLessonSource } from "@/app/_lib/lessons/source";

const content = path.resolve("content");
const LESSON = "02-kubernetes-components";

describe("lesson figures", () => {
  it("link each language to its own file, with a content version", () => {
    for (const locale of ["ko", "en"] as const) {
      const { figures } = readLessonSource(content, LESSON, locale);
      expect(figures["architecture.svg"]).toMatch(new RegExp(`^/figures/${LESSON}/architecture\\.${locale}\\.svg\\?v=[0-9a-f]{12}$`));
    }
  });

  it("resolves a figure by lesson and file name", () => {
    expect(figureFile(content, LESSON, "architecture.ko.svg")).toBe(path.join(content, "lessons", LESSON, "figures", "architecture.ko.svg"));
  });

  it.each([
    [LESSON, "../ko.mdx"],
    [LESSON, "..%2Fko.mdx"],
    [LESSON, "architecture.ko.svg/.."],
    [LESSON, "ko.mdx"],
    [LESSON, "missing.svg"],
    ["../02-kubernetes-components", "architecture.ko.svg"],
    ["02-kubernetes-components/figures", "architecture.ko.svg"],
  ])("refuses %s / %s", (lesson, file) => {
    expect(figureFile(content, lesson, file)).toBeNull();
  });
});
