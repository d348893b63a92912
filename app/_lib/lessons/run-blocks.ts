// The steps of a lesson as a learner meets them: its shell code blocks (the ones with a Run
// button) and its <Exercise> tags, in page order. The course walk test types the blocks into a
// real lab and solves the exercises where they stand; lessons:check and the compiler use the
// same reading to reject a code-fence option they do not know.
//
// A shell block may carry ONE option after its language, in both languages alike:
//   ```bash interactive   runs until the learner leaves it: Ctrl+C (`--watch`, `minikube tunnel`), q (`less`)
//   ```bash expect-fail   shows an error on purpose: at least one of its commands fails
//   ```bash norun         not for this lab (your own machine, an editor session): no Run button
import { LessonError } from "./errors";
import { exerciseRefs } from "./exercise-refs";

export const SHELL_LANGUAGES = new Set(["bash", "shell", "sh"]);
export const RUN_MODES = ["interactive", "expect-fail", "norun"] as const;
export type RunMode = (typeof RUN_MODES)[number];

export interface CodeFence {
  language: string;
  /** Whatever follows the language on the opening fence, trimmed. */
  meta: string;
  code: string;
  /** 1-based line of the opening fence in the file (the body keeps the file's line numbers). */
  line: number;
}

export interface RunBlock {
  kind: "run";
  /** 1-based index among the lesson's shell blocks (norun ones included), for messages. */
  index: number;
  mode: RunMode | "run";
  code: string;
  line: number;
}

export type LessonStep = RunBlock | { kind: "exercise"; id: string; line: number };

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/;

/** Every fenced code block of an MDX body, outermost only. */
export function codeFences(body: string): CodeFence[] {
  const lines = body.split("\n");
  const fences: CodeFence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_OPEN.exec(lines[i]!);
    if (!open) continue;
    const marker = open[2]!;
    const close = new RegExp(`^ {0,3}${marker[0] === "`" ? "`" : "~"}{${marker.length},}\\s*$`);
    const start = i;
    const code: string[] = [];
    for (i++; i < lines.length && !close.test(lines[i]!); i++) code.push(lines[i]!);
    fences.push({ language: open[3]!.toLowerCase(), meta: open[4]!.trim(), code: code.join("\n"), line: start + 1 });
  }
  return fences;
}

/** The run mode a fence's meta names; throws a LessonError (file and line) for anything else. */
export function runModeOf(file: string, fence: Pick<CodeFence, "language" | "meta" | "line">): RunMode | "run" {
  if (fence.meta === "") return "run";
  if (!SHELL_LANGUAGES.has(fence.language)) {
    throw new LessonError(file, `code fence option "${fence.meta}" applies to shell blocks only (bash, sh, shell), not ${fence.language || "a block without a language"}`, fence.line, "code fence");
  }
  if ((RUN_MODES as readonly string[]).includes(fence.meta)) return fence.meta as RunMode;
  throw new LessonError(file, `unknown code fence option "${fence.meta}" (use one of: ${RUN_MODES.join(", ")})`, fence.line, "code fence");
}

/** The shell blocks of a lesson, each with its run mode. */
export function runBlocks(file: string, body: string): RunBlock[] {
  let index = 0;
  const blocks: RunBlock[] = [];
  for (const fence of codeFences(body)) {
    const mode = runModeOf(file, fence);
    if (!SHELL_LANGUAGES.has(fence.language)) continue;
    blocks.push({ kind: "run", index: ++index, mode, code: fence.code, line: fence.line });
  }
  return blocks;
}

/** Shell blocks and exercise tags in the order the page shows them. */
export function lessonSteps(file: string, body: string): LessonStep[] {
  const fences = codeFences(body);
  const insideFence = (line: number) => fences.some((f) => line > f.line && line <= f.line + f.code.split("\n").length);
  const exercises = exerciseRefs(body)
    .filter((r) => !insideFence(r.line))
    .map((r) => ({ kind: "exercise" as const, id: r.id, line: r.line }));
  return [...runBlocks(file, body), ...exercises].sort((a, b) => a.line - b.line);
}
