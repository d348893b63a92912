// One production server for all end-to-end tests. Its content folder is the real course
// plus one Korean-only fixture lesson, so the language fallback can be seen in a browser.
import { mkdtempSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startServer } from "../support/server";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
  }
}

export const FALLBACK_LESSON = "99-korean-only";

export default async function setup(project: TestProject) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
  const content = mkdtempSync(path.join(tmpdir(), "kubelab-content-"));
  mkdirSync(path.join(content, "lessons"));
  for (const id of readdirSync(path.join(root, "content/lessons"))) {
    symlinkSync(path.join(root, "content/lessons", id), path.join(content, "lessons", id));
  }
  symlinkSync(path.join(root, "test/fixtures/content-fallback/lessons/01-korean-only"), path.join(content, "lessons", FALLBACK_LESSON));
  const server = await startServer({ KUBELAB_CONTENT_DIR: content });
  project.provide("baseURL", server.baseURL);
  return () => server.stop();
}
