// Shell blocks carry at most one run option (interactive, expect-fail, norun); anything else
// is an author's mistake reported with file and line, by lessons:check and by the compiler.
// The option reaches the page, which leaves the Run button off a norun block.
import { describe, expect, it } from "vitest";
import { compileLesson } from "@/app/_lib/lessons/compile";
import { LessonError } from "@/app/_lib/lessons/errors";
import { lessonSteps, runBlocks } from "@/app/_lib/lessons/run-blocks";

const body = [
  "", // line 1
  "Some prose.",
  "",
  "```bash",
  "kubectl get pods",
  "```",
  "",
  "```bash interactive",
  "kubectl get pods --watch",
  "```",
  "",
  '<Exercise id="first" />',
  "",
  "````text",
  '```bash expect-fail',
  '<Exercise id="not-a-tag" />',
  "```",
  "````",
  "",
  "```sh expect-fail",
  "kubectl get pod nope",
  "```",
  "",
  "```bash norun",
  "minikube start --driver=docker",
  "```",
].join("\n");

describe("run blocks", () => {
  it("reads shell blocks with their run option and exercise tags in page order, ignoring fenced text", () => {
    const steps = lessonSteps("x.mdx", body);
    expect(steps.map((s) => (s.kind === "run" ? `${s.index}:${s.mode}@${s.line}` : `ex:${s.id}@${s.line}`))).toEqual([
      "1:run@4",
      "2:interactive@8",
      "ex:first@12",
      "3:expect-fail@20",
      "4:norun@24",
    ]);
    expect(runBlocks("x.mdx", body)[1]!.code).toBe("kubectl get pods --watch");
  });

  it("refuses an unknown option with the file and line", () => {
    let error: unknown;
    try {
      runBlocks("lesson/en.mdx", "\n\n```bash no-run\nls\n```\n");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LessonError);
    expect((error as LessonError).message).toMatch(/^lesson\/en\.mdx:3: code fence: unknown code fence option "no-run"/);
  });

  it("refuses a run option on a block that is not shell", () => {
    expect(() => runBlocks("en.mdx", "```yaml norun\na: 1\n```\n")).toThrow(/applies to shell blocks only/);
  });

  it("compiles the option into the page and refuses an unknown one", async () => {
    const code = await compileLesson({ file: "/tmp/run-blocks/en.mdx", body: "```bash norun\nminikube start\n```\n\n```bash\nls\n```\n" });
    expect(code).toMatch(/"data-run":"norun"/);
    expect(code.match(/data-run/g)).toHaveLength(1);
    await expect(compileLesson({ file: "/tmp/run-blocks/en.mdx", body: "```bash maybe\nls\n```\n" })).rejects.toThrow(/unknown code fence option "maybe"/);
  });
});
