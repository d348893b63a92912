// One production server for all end-to-end tests. Its content folder is the real course
// plus one Korean-only fixture lesson, so the language fallback can be seen in a browser.
// Its labs run on the real Docker engine under an installation id of their own, and are
// removed when the run ends (the server itself leaves labs running to re-adopt them).
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { removeInstallationLabs } from "../support/docker";
import { EXERCISE_FIXTURE, makeContentDir } from "../support/fixture-content";
import { startServer } from "../support/server";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
    /** The server's KUBELAB_SECRET, so a test can sign a terminal token the server accepts (or an expired one). */
    terminalSecret: string;
    /** The first administrator the server creates at start, so a test can sign in as them. */
    adminEmail: string;
    adminPassword: string;
    /** The server's SQLite file, so a test can put in place what a journey needs (a pass at a known instant). */
    databaseFile: string;
  }
}

export const FALLBACK_LESSON = "99-korean-only";
/** A lesson with one small exercise, so exercise tests do not depend on the course's lessons. */
export const EXERCISE_LESSON = "98-exercise-fixture";

export default async function setup(project: TestProject) {
  const content = makeContentDir("e2e", {
    course: true,
    lessons: { [FALLBACK_LESSON]: "test/fixtures/content-fallback/lessons/01-korean-only", [EXERCISE_LESSON]: EXERCISE_FIXTURE },
  });
  const secret = `e2e-${randomBytes(24).toString("hex")}`;
  const installation = `e2e${randomBytes(4).toString("hex")}`;
  const adminEmail = "admin@e2e.example";
  const adminPassword = `e2e-admin-${randomBytes(12).toString("hex")}`;
  const server = await startServer({
    KUBELAB_CONTENT_DIR: content,
    KUBELAB_SECRET: secret,
    KUBELAB_INSTALLATION_ID: installation,
    KUBELAB_ADMIN_EMAIL: adminEmail,
    KUBELAB_ADMIN_PASSWORD: adminPassword,
    // One warm lab, so the first Start is served from the pool without loading a 2-core host.
    KUBELAB_POOL_SIZE: "1",
  });
  project.provide("baseURL", server.baseURL);
  project.provide("terminalSecret", secret);
  project.provide("adminEmail", adminEmail);
  project.provide("adminPassword", adminPassword);
  project.provide("databaseFile", path.join(server.dataDir, "kubelab.db"));
  return async () => {
    await server.stop();
    await removeInstallationLabs(installation);
  };
}

