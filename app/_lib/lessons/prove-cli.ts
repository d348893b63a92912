// `npm run lessons:prove -- [lessonId ...]`: proves every exercise of the given lessons
// (default: every lesson in content/ that has exercises.yaml) on one throwaway lab: fresh
// cluster, setup, must not pass, solution, must pass; and each lesson opened with all its
// setups must leave every exercise to do. Prints a table; exit 1 on any failure.
// It sits beside check-cli.ts because it reads the course (content/, an app concern) and
// hands each lesson to the grader's prover (sandbox/grader/prove.ts), which knows no lessons.
import path from "node:path";
import { z } from "zod";
import { type ExerciseProof, proveLesson, proveLessonOpening } from "@/sandbox/grader/prove";
import { startThrowawayLab, type ThrowawayLab } from "@/sandbox/grader/prove-lab";
import { LessonError } from "./errors";
import { readExercises } from "./exercises";
import { lessonIdSchema } from "./schema";
import { lessonProfileIn, listLessonIds } from "./source";

const contentDir = path.resolve(process.env.KUBELAB_CONTENT_DIR ?? "content");
const args = z.array(lessonIdSchema).safeParse(process.argv.slice(2));
if (!args.success) {
  console.error(`usage: npm run lessons:prove -- [lessonId ...]   (lesson ids look like 03-pods)\n${args.error.issues[0]?.message}`);
  process.exit(2);
}

const ids = args.data.length > 0 ? args.data : listLessonIds(contentDir);
const lessons: { id: string; profile: "sim" | "node"; exercises: NonNullable<ReturnType<typeof readExercises>>["exercises"] }[] = [];
let specProblems = 0;
for (const id of ids) {
  try {
    const file = readExercises(contentDir, id);
    if (file) lessons.push({ id, profile: lessonProfileIn(contentDir, id), exercises: file.exercises });
    else if (args.data.length > 0) {
      console.error(`${id}: no exercises.yaml in ${path.join(contentDir, "lessons", id)}`);
      specProblems++;
    }
  } catch (error) {
    console.error(error instanceof LessonError ? error.message : `${id}: ${String(error)}`);
    specProblems++;
  }
}
const total = lessons.reduce((n, l) => n + l.exercises.length, 0);
if (total === 0) {
  console.log(specProblems ? "nothing to prove" : `no exercises found in ${contentDir}`);
  process.exit(specProblems ? 1 : 0);
}

let lab: ThrowawayLab | undefined;
const cleanUp = async () => {
  await lab?.stop().catch(() => undefined);
  lab = undefined;
};
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void cleanUp().then(() => process.exit(130)));
}

const proofs: ExerciseProof[] = [];
const openingFailures: string[] = [];
try {
  // Each lesson on the lab a learner gets for it (`lab:` in its front matter), one lab per profile.
  for (const profile of ["sim", "node"] as const) {
    const ofProfile = lessons.filter((l) => l.profile === profile);
    if (ofProfile.length === 0) continue;
    const count = ofProfile.reduce((n, l) => n + l.exercises.length, 0);
    process.stderr.write(`starting a ${profile} lab to prove ${count} exercise(s) of ${ofProfile.length} lesson(s) …\n`);
    lab = await startThrowawayLab({ profile });
    for (const lesson of ofProfile) {
      if (lesson.exercises.length > 1) {
        process.stderr.write(`  ${lesson.id}: opening the lesson (every setup)\n`);
        openingFailures.push(...(await proveLessonOpening(lab, lesson.id, lesson.exercises)));
      }
      const results = await proveLesson(lab, lesson.id, lesson.exercises, {
        onStep: (step, exercise) => process.stderr.write(`  ${lesson.id} / ${exercise}: ${step}\n`),
      });
      proofs.push(...results);
    }
    await cleanUp();
  }
} catch (error) {
  console.error(`could not prove the exercises: ${(error as Error).message}`);
  await cleanUp();
  process.exit(1);
}
await cleanUp();

const rows = proofs.map((p) => [
  p.lessonId,
  p.exerciseId,
  p.before?.outcome ?? "–",
  p.after?.outcome ?? "–",
  `${p.wrongProved}/${p.alternativesProved}`,
  p.ok ? "proved" : `FAILED at ${p.failedAt}`,
  `${(p.durationMs / 1000).toFixed(1)} s`,
]);
const header = ["lesson", "exercise", "before solve", "after solve", "wrong/alt", "result", "time"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
console.log(["", line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n"));
const failed = proofs.filter((p) => !p.ok);
for (const p of failed) console.log(`\n${p.failure}`);
for (const f of openingFailures) console.log(`\n${f}`);
console.log(
  `\n${proofs.length - failed.length} of ${proofs.length} exercise(s) proved${openingFailures.length ? `, ${openingFailures.length} solved by opening their lesson` : ""}${specProblems ? `, ${specProblems} spec problem(s)` : ""}.`,
);
process.exit(failed.length > 0 || openingFailures.length > 0 || specProblems > 0 ? 1 : 0);
