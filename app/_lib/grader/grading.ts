// The process's one grading service (sandbox/grader/grading.ts): Check, live checks and a
// lesson's clean start share it, so a setup that one of them started is not started again
// by another while it runs.
import "server-only";
import { processSingleton } from "@/app/_lib/process-singleton";
import { Grading } from "@/sandbox/grader/grading";

export function grading(): Grading {
  return processSingleton("grading", () => new Grading());
}
