// Exercise specs: a good file parses with its defaults, and every kind of mistake names the
// file, the line and the field.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LessonError } from "@/app/_lib/lessons/errors";
import { readExercises } from "@/app/_lib/lessons/exercises";

const dir = path.resolve("test/fixtures/content-exercises");

function failure(id: string): LessonError {
  try {
    readExercises(dir, id);
  } catch (error) {
    expect(error).toBeInstanceOf(LessonError);
    return error as LessonError;
  }
  throw new Error(`expected ${id} to fail`);
}

describe("exercise specs", () => {
  it("parse a valid file, with the default namespace filled in", () => {
    const spec = readExercises(dir, "01-valid")!;
    expect(spec.exercises.map((e) => e.id)).toEqual(["scale-web"]);
    const [scale] = spec.exercises;
    expect(scale!.checks.map((c) => c.id)).toEqual(["four-ready", "available", "pods-labelled", "service-answers"]);
    expect(scale!.checks[0]!.select).toEqual({ kind: "Deployment", name: "web", namespace: "default" });
    expect(scale!.checks[1]!.condition).toEqual({ type: "Available", status: "True" });
  });

  it("are optional: a lesson without exercises.yaml has none", () => {
    expect(readExercises(path.resolve("test/fixtures/content-fallback"), "01-korean-only")).toBeNull();
  });

  it("require every learner-facing string in English and Korean", () => {
    const err = failure("02-missing-english");
    expect(err.file).toMatch(/02-missing-english\/exercises\.yaml$/);
    expect(err.field).toBe("exercises.0.title.en");
    expect(err.line).toBe(5);
  });

  it("require a check to read objects or run a command", () => {
    const err = failure("03-no-check-target");
    expect(err.field).toBe("exercises.0.checks.0");
    expect(err.detail).toMatch(/select .*, command, logs, exec or http/);
    expect(err.line).toBe(7);
  });

  it("refuse duplicate exercise ids", () => {
    const err = failure("04-duplicate-ids");
    expect(err.field).toBe("exercises.1.id");
    expect(err.detail).toMatch(/duplicate exercise id same/);
    expect(err.line).toBe(9);
  });

  it("name the line of YAML that does not parse", () => {
    const err = failure("05-bad-yaml");
    expect(err.detail).toMatch(/not valid YAML/);
    expect(err.line).toBeGreaterThanOrEqual(4);
  });

  it("refuse a regex that does not compile", () => {
    const err = failure("06-bad-regex");
    expect(err.field).toBe("exercises.0.checks.0.expect.0.regex");
    expect(err.line).toBe(12);
  });

  it("refuse a lesson id that would leave content/", () => {
    expect(() => readExercises(dir, "../../etc")).toThrow(/01-some-slug/);
  });
});
