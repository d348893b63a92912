// <Exercise id> tags in a lesson body must name exercises of that lesson; the error says where.
import { describe, expect, it } from "vitest";
import { LessonError } from "@/app/_lib/lessons/errors";
import { assertExerciseRefs, exerciseRefs } from "@/app/_lib/lessons/exercise-refs";

const body = ["# Pods", "", "Some text.", '<Exercise id="create-web" />', "", "<Exercise  id='scale-web'/>"].join("\n");

describe("exercise references in a lesson body", () => {
  it("finds every tag with its line", () => {
    expect(exerciseRefs(body)).toEqual([
      { id: "create-web", line: 4 },
      { id: "scale-web", line: 6 },
    ]);
  });

  it("accepts tags that name the lesson's exercises", () => {
    expect(() => assertExerciseRefs("ko.mdx", "04-pods", body, [{ id: "create-web" }, { id: "scale-web" }])).not.toThrow();
  });

  it("names the lesson, the id and the line of an unknown tag", () => {
    let error: unknown;
    try {
      assertExerciseRefs("content/lessons/04-pods/ko.mdx", "04-pods", body, [{ id: "create-web" }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LessonError);
    expect((error as LessonError).message).toBe(
      'content/lessons/04-pods/ko.mdx:6: Exercise.id: <Exercise id="scale-web"> is not an exercise of lesson 04-pods (it has create-web)',
    );
  });

  it("says so when the lesson has no exercises at all", () => {
    expect(() => assertExerciseRefs("en.mdx", "01-intro", body, [])).toThrow(/no exercises\.yaml/);
  });
});
