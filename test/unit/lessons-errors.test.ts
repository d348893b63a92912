// Bad lesson files fail with the file, the line and the field, and a lesson id can never
// be used to reach outside content/.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileLesson } from "@/app/_lib/lessons/compile";
import { LessonError } from "@/app/_lib/lessons/errors";
import { lessonFile, readLessonSource } from "@/app/_lib/lessons/source";

const broken = path.resolve("test/fixtures/content-broken");

function failure(fn: () => unknown): LessonError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LessonError);
    return error as LessonError;
  }
  throw new Error("expected a LessonError");
}

describe("lesson errors", () => {
  it("names the file, line and field of a front matter value the schema refuses", () => {
    const err = failure(() => readLessonSource(broken, "01-bad-field", "en"));
    expect(err.file).toMatch(/01-bad-field\/en\.mdx$/);
    expect(err.field).toBe("level");
    expect(err.line).toBe(6);
    expect(err.message).toMatch(/en\.mdx:6: level: /);
  });

  it("names the line of YAML that does not parse", () => {
    const err = failure(() => readLessonSource(broken, "02-bad-yaml", "en"));
    expect(err.file).toMatch(/02-bad-yaml\/en\.mdx$/);
    expect(err.line).toBeGreaterThanOrEqual(2);
    expect(err.detail).toMatch(/not valid YAML/);
  });

  it("names the file and line of MDX that does not compile", async () => {
    const source = readLessonSource(broken, "03-bad-mdx", "en");
    const err = await compileLesson(source).then(
      () => {
        throw new Error("expected the compile to fail");
      },
      (e: unknown) => e as LessonError,
    );
    expect(err).toBeInstanceOf(LessonError);
    expect(err.file).toMatch(/03-bad-mdx\/en\.mdx$/);
    expect(err.field).toBe("body");
    // The unclosed <Callout> opens on line 15 of the file (front matter included).
    expect(err.line).toBe(15);
    expect(err.message).toMatch(/Callout/);
  });

  it("names a figure that does not exist", () => {
    const err = failure(() => readLessonSource(broken, "04-missing-figure", "en"));
    expect(err.field).toBe("Figure.src");
    expect(err.line).toBe(13);
    expect(err.detail).toMatch(/nowhere\.svg/);
  });

  it.each(["../../etc/passwd", "..", "01-ok/../../x", "01-OK", "1-x", "01-x/", "%2e%2e"])(
    "refuses the lesson id %j before touching the file system",
    (id) => {
      expect(() => lessonFile(broken, id, "en")).toThrow(/01-some-slug/);
    },
  );
});
