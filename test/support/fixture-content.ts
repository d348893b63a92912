// Content folders for servers that tests start: a temporary `lessons/` of symlinks, so a test
// serves the course, a fixture lesson or both without copying a file. One place, because the
// global e2e server and the tests that run servers of their own (restart, abuse, dockerd
// restart, first admin) all need the same shape.
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

/** The fixture lesson with one small exercise (`scale-web`), under the id tests give it. */
export const EXERCISE_FIXTURE = "test/fixtures/content-exercise/lessons/01-scale-web";

/** A small lesson whose lab runs real pods (`lab: node`). */
export const NODE_FIXTURE = "test/fixtures/content-node/lessons/01-real-pods";

/** The ids twoProfileContent gives its lessons. */
export const PROFILE_FIXTURE_LESSONS = { sim: "98-exercise-fixture", node: "97-node-fixture" } as const;

export interface ContentOptions {
  /** Link every lesson of the course too. */
  course?: boolean;
  /** Extra lessons: id → folder relative to the repository root. */
  lessons?: Record<string, string>;
}

/** Makes the folder and returns its path (KUBELAB_CONTENT_DIR). */
export function makeContentDir(prefix: string, options: ContentOptions): string {
  const content = mkdtempSync(path.join(tmpdir(), `kubelab-${prefix}-content-`));
  const lessons = path.join(content, "lessons");
  mkdirSync(lessons);
  if (options.course) {
    for (const id of readdirSync(path.join(ROOT, "content/lessons"))) symlinkSync(path.join(ROOT, "content/lessons", id), path.join(lessons, id));
  }
  for (const [id, folder] of Object.entries(options.lessons ?? {})) symlinkSync(path.join(ROOT, folder), path.join(lessons, id));
  return content;
}

/** One sim lesson (the exercise fixture) and one real-pods lesson: for tests of both profiles. */
export function twoProfileContent(prefix: string): string {
  return makeContentDir(prefix, { lessons: { [PROFILE_FIXTURE_LESSONS.sim]: EXERCISE_FIXTURE, [PROFILE_FIXTURE_LESSONS.node]: NODE_FIXTURE } });
}
