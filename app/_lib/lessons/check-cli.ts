// `npm run lessons:check`: compiles every lesson in both languages, reads its exercise spec,
// and prints each problem as file:line: field: message, faster than the test suite.
import path from "node:path";
import { locales } from "@/app/_lib/i18n/routing";
import { compileLesson } from "./compile";
import { LessonError } from "./errors";
import { assertExercisesFitLab } from "./exercise-lab";
import { assertExerciseRefs } from "./exercise-refs";
import type { Exercise } from "@/sandbox/grader/exercise-schema";
import { readExercises } from "./exercises";
import { availableLocales, listLessonIds, readLessonSource } from "./source";

const contentDir = path.resolve(process.env.KUBELAB_CONTENT_DIR ?? "content");
let problems = 0;
let checked = 0;
for (const id of listLessonIds(contentDir)) {
  const have = availableLocales(contentDir, id);
  for (const missing of locales.filter((l) => !have.includes(l))) {
    console.log(`${path.join(contentDir, "lessons", id)}: missing ${missing}.mdx (the lesson will show the other language with a notice)`);
    problems++;
  }
  let exercises: Exercise[] = [];
  try {
    exercises = readExercises(contentDir, id)?.exercises ?? [];
  } catch (error) {
    console.log(error instanceof LessonError ? error.message : `${id}/exercises.yaml: ${String(error)}`);
    problems++;
  }
  for (const locale of have) {
    try {
      const source = readLessonSource(contentDir, id, locale);
      assertExerciseRefs(source.file, id, source.body, exercises);
      assertExercisesFitLab(source.file, source.frontMatter.lab, exercises);
      await compileLesson(source);
      checked++;
    } catch (error) {
      console.log(error instanceof LessonError ? error.message : `${id}/${locale}: ${String(error)}`);
      problems++;
    }
  }
}
console.log(problems === 0 ? `${checked} lesson files compile` : `${problems} problem(s), ${checked} lesson files compile`);
process.exit(problems === 0 ? 0 : 1);
