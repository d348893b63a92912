// The course as a whole (issue 6): sixteen lessons in order, graded exercises in every one and
// the same exercises in both languages, no sentence taken from the seed articles, and every
// image the lessons use listed in the one file the labs read.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { commandInput } from "@/app/_components/lab/lab-bus";
import { exerciseFile, readExercises } from "@/app/_lib/lessons/exercises";
import { lessonSteps } from "@/app/_lib/lessons/run-blocks";
import { listLessonIds, readLessonSource } from "@/app/_lib/lessons/source";
import { locales } from "@/app/_lib/i18n/routing";
import { imagesIn, normaliseImage, readImageList, repositoriesBuiltIn } from "../support/image-list";
import { fingerprintsOf } from "../support/prose";
import { DEFAULT_SEED_DIR, FINGERPRINTS_FILE, seedFingerprints, type SeedFingerprints } from "../support/seed-fingerprints";

const contentDir = path.resolve("content");
const ids = listLessonIds(contentDir);
const IMAGES_FILE = path.resolve("sandbox/cluster/lab/images.txt");

/** `<Exercise id="..." />` tags in the order the lesson places them. */
function placedExercises(body: string): string[] {
  return [...body.matchAll(/<Exercise\s+id="([^"]+)"/g)].map((m) => m[1]!);
}

describe("the course", () => {
  it("has sixteen lessons, numbered 1 to 16 in folder order", () => {
    const orders = ids.map((id) => readLessonSource(contentDir, id, "ko").frontMatter.order);
    expect(orders).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
  });

  it("has at least 30 graded exercises", () => {
    const total = ids.reduce((n, id) => n + (readExercises(contentDir, id)?.exercises.length ?? 0), 0);
    expect(total).toBeGreaterThanOrEqual(30);
  });

  describe.each(ids)("%s", (id) => {
    it("takes 10 to 25 minutes, explains with a diagram and ends with a recap, in both languages", () => {
      const recap = { ko: "## 정리", en: "## Recap" } as const;
      for (const locale of locales) {
        const { frontMatter, body } = readLessonSource(contentDir, id, locale);
        expect(frontMatter.minutes).toBeGreaterThanOrEqual(10);
        expect(frontMatter.minutes).toBeLessThanOrEqual(25);
        expect(body, `${id}/${locale}.mdx has no <Figure>`).toMatch(/<Figure\b/);
        expect(body.match(/^## .*$/gm)?.at(-1), `${id}/${locale}.mdx: the last section`).toBe(recap[locale]);
      }
    });

    it("types the same Run blocks, with the same run options, between the same exercises in both languages", () => {
      // The course walk (test/integration/content/course.test.ts) takes the Korean page; the
      // English one must send the same keystrokes, or it would be a different lesson.
      const steps = locales.map((locale) => {
        const source = readLessonSource(contentDir, id, locale);
        return lessonSteps(source.file, source.body).map((s) => (s.kind === "run" ? { run: s.index, mode: s.mode, input: commandInput(s.code) } : { exercise: s.id }));
      });
      expect(steps[1], `${id}: en.mdx against ko.mdx`).toEqual(steps[0]);
    });

    it("has graded exercises, placed in both languages in the order of exercises.yaml", () => {
      const spec = readExercises(contentDir, id);
      expect(spec, `${exerciseFile(contentDir, id)} is missing`).not.toBeNull();
      const specIds = spec!.exercises.map((e) => e.id);
      for (const locale of locales) {
        const placed = placedExercises(readLessonSource(contentDir, id, locale).body);
        expect(placed, `<Exercise> tags in ${id}/${locale}.mdx`).toEqual(specIds);
      }
    });
  });
});

describe("originality against the seed articles", () => {
  const stored = JSON.parse(readFileSync(FINGERPRINTS_FILE, "utf8")) as SeedFingerprints;
  const seedSentences = new Set(stored.sentences);
  const seedRuns = new Set(stored.shingles);

  it("keeps the seeds' fingerprints up to date (when the seeds are on this machine)", () => {
    // CI machines may not have ../shared/seeds; the stored hashes are what the checks below use.
    expect(stored.sentences.length).toBeGreaterThan(100);
    if (existsSync(DEFAULT_SEED_DIR)) expect(seedFingerprints(DEFAULT_SEED_DIR)).toEqual(stored);
  });

  it.each(ids.flatMap((id) => locales.map((locale) => [id, locale] as const)))("%s/%s shares no sentence with a seed", (id, locale) => {
    const text = readFileSync(path.join(contentDir, "lessons", id, `${locale}.mdx`), "utf8");
    const exercises = existsSync(exerciseFile(contentDir, id)) ? readFileSync(exerciseFile(contentDir, id), "utf8") : "";
    const prints = fingerprintsOf(`${text}\n\n${exercises}`);
    const copied = [...prints.sentences].filter(([hash]) => seedSentences.has(hash)).map(([, s]) => s);
    const edited = [...prints.shingles].filter(([hash]) => seedRuns.has(hash)).map(([, s]) => s);
    expect(copied, "sentences identical to a seed sentence").toEqual([]);
    expect([...new Set(edited)], `sentences sharing ${stored.shingleWords} words in a row with a seed`).toEqual([]);
  });
});

describe("images the lessons use", () => {
  const list = readImageList(IMAGES_FILE);

  it.each(ids)("%s: every image is in images.txt (pullable, or declared unpullable on purpose)", (id) => {
    const dir = path.join(contentDir, "lessons", id);
    const texts = [...locales.map((l) => path.join(dir, `${l}.mdx`)), path.join(dir, "exercises.yaml")].filter(existsSync).map((f) => readFileSync(f, "utf8"));
    // An image of a repository the lesson builds in the lab is its own, in no registry.
    const built = repositoriesBuiltIn(texts.join("\n"));
    const missing = imagesIn(texts.join("\n")).filter((ref) => {
      const { repo, tag } = normaliseImage(ref);
      return !list.pullable(ref) && !list.unpullable.has(`${repo}:${tag}`) && !built.has(repo);
    });
    expect(missing, `add these to ${path.relative(process.cwd(), IMAGES_FILE)}`).toEqual([]);
  });

  it("a reference solution uses only pullable images", () => {
    for (const id of ids) {
      for (const exercise of readExercises(contentDir, id)?.exercises ?? []) {
        // An image the exercise builds in the lab (in its set-up or its solution) is never pulled.
        const built = repositoriesBuiltIn(`${exercise.setup ?? ""}\n${exercise.solve}`);
        const unpullable = imagesIn(exercise.solve).filter((ref) => !list.pullable(ref) && !built.has(normaliseImage(ref).repo));
        expect(unpullable, `${id}/${exercise.id}`).toEqual([]);
      }
    }
  });
});
