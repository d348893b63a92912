// The course content itself: every lesson in content/ has both languages, valid front
// matter, figures that exist, and MDX that compiles. A broken file fails here by name.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileLesson } from "@/app/_lib/lessons/compile";
import { assertExercisesFitLab } from "@/app/_lib/lessons/exercise-lab";
import { assertExerciseRefs } from "@/app/_lib/lessons/exercise-refs";
import { readExercises } from "@/app/_lib/lessons/exercises";
import { availableLocales, listLessonIds, readLessonSource } from "@/app/_lib/lessons/source";
import { locales } from "@/app/_lib/i18n/routing";

const contentDir = path.resolve("content");
const ids = listLessonIds(contentDir);

describe("course content", () => {
  it("has lessons", () => {
    expect(ids.length).toBeGreaterThanOrEqual(2);
  });

  it("has unique lesson order numbers", () => {
    const orders = ids.map((id) => readLessonSource(contentDir, id, "ko").frontMatter.order);
    expect(new Set(orders).size).toBe(orders.length);
  });

  describe.each(ids)("%s", (id) => {
    it("exists in Korean and English", () => {
      expect(availableLocales(contentDir, id)).toEqual([...locales]);
    });

    it.each([...locales])("%s: front matter is valid and the MDX compiles", async (locale) => {
      const source = readLessonSource(contentDir, id, locale);
      const code = await compileLesson(source);
      expect(code.length).toBeGreaterThan(100);
      // CommonMark does not close ** before a Korean particle after punctuation ("**풀(pull)**합니다"):
      // the asterisks would reach the page as text.
      expect(code, "emphasis markers left as text; rephrase or move the particle outside").not.toMatch(/\*\*\p{Script=Hangul}|[\p{Script=Hangul})`]\*\*/u);
      // esbuild and shiki on a loaded 2-core machine can take longer than Vitest's 5 s default.
    }, 60_000);

    it.each([...locales])("%s: every <Exercise id> names an exercise in exercises.yaml", (locale) => {
      const source = readLessonSource(contentDir, id, locale);
      const exercises = readExercises(contentDir, id)?.exercises ?? [];
      expect(() => assertExerciseRefs(source.file, id, source.body, exercises)).not.toThrow();
      // A check on logs, exec or http needs real pods: the lesson must ask for a node lab.
      expect(() => assertExercisesFitLab(source.file, source.frontMatter.lab, exercises)).not.toThrow();
    });

    it("says the same thing in both languages: same order, level, objectives count, sections, code and figures", () => {
      const [ko, en] = (["ko", "en"] as const).map((l) => readLessonSource(contentDir, id, l));
      expect(en!.frontMatter.order).toBe(ko!.frontMatter.order);
      expect(en!.frontMatter.level).toBe(ko!.frontMatter.level);
      // One lab for the lesson whatever the language (sim or node).
      expect(en!.frontMatter.lab).toBe(ko!.frontMatter.lab);
      expect(en!.frontMatter.objectives.length).toBe(ko!.frontMatter.objectives.length);
      const count = (body: string, re: RegExp) => body.match(re)?.length ?? 0;
      for (const re of [/^## /gm, /^```/gm, /<Figure\b/g, /<Callout\b/g, /<Tabs\b/g, /<Exercise\b/g]) {
        expect(count(en!.body, re), `${re} in ${id}`).toBe(count(ko!.body, re));
      }
      expect(Object.keys(en!.figures).sort()).toEqual(Object.keys(ko!.figures).sort());
    });
  });
});
