// Reads a lesson's exercises.yaml and checks it against the schema; a bad file fails with
// its path, line and field. A lesson without the file simply has no exercises.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { LessonError } from "./errors";
import { type ExerciseFile, exerciseFileSchema } from "@/sandbox/grader/exercise-schema";
import { lessonsDir } from "./source";
import { lessonIdSchema } from "./schema";
import { yamlSchemaError } from "./yaml-errors";

export function exerciseFile(contentDir: string, id: string): string {
  return path.join(lessonsDir(contentDir), lessonIdSchema.parse(id), "exercises.yaml");
}

export function readExercises(contentDir: string, id: string): ExerciseFile | null {
  const file = exerciseFile(contentDir, id);
  if (!existsSync(file)) return null;
  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(file, "utf8"), { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    throw new LessonError(file, `not valid YAML: ${err.message.split("\n")[0]}`, lineCounter.linePos(err.pos[0]).line);
  }
  const result = exerciseFileSchema.safeParse(doc.toJS());
  if (!result.success) throw yamlSchemaError(file, doc, lineCounter, result.error);
  return result.data;
}
