// The database under contention (the postgresql project runs it on PostgreSQL too, a pool of
// connections instead of one), on a real SQLite file with the server's own client settings
// (app/_lib/db/create.ts): Checks and sign-ins that arrive during a long write transaction,
// in this process or in another one, wait for it and succeed, and nothing they wrote is
// rolled back with somebody else's transaction. On the code of issue 12's date a Check behind
// a transaction of more than 2 s failed (Prisma's default wait), a session created while a
// transaction was open ran inside it and vanished when it rolled back, and a write behind
// another process's lock failed after better-sqlite3's implicit 5 s.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createSession, signUp, verifyCredentials } from "@/app/_lib/auth/accounts-core";
import { findSessionUser } from "@/app/_lib/auth/session-core";
import { recordAttempt } from "@/app/_lib/data/progress-store";
import type { PrismaClient } from "@/prisma/generated/client";
import { freshDatabase, testProvider } from "@/test/support/database";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function learners(db: PrismaClient, n: number) {
  const out: { userId: string; email: string }[] = [];
  for (let i = 0; i < n; i++) {
    const email = `learner${i}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const made = await signUp(db, { email, password: "a long password", displayName: null, locale: "en" });
    if (!made.ok) throw new Error("sign-up failed");
    out.push({ userId: made.userId, email });
  }
  return out;
}

/** What a class does at once: each learner signs in (a password check and a new session) and presses Check. */
function classActivity(db: PrismaClient, people: { userId: string; email: string }[]) {
  return Promise.all(
    people.map(async (p, i) => {
      const account = await verifyCredentials(db, p.email, "a long password");
      const session = await createSession(db, account!.userId);
      const attempt = await recordAttempt(db, { userId: p.userId, lessonId: "01-first-pods", exerciseId: "create-pod", sandboxId: null, outcome: i % 2 ? "pass" : "fail", results: { version: 1 } });
      return { token: session.token, attempt };
    }),
  );
}

describe("the database under a long write transaction", { timeout: 90_000 }, () => {
  it("lets Checks and sign-ins wait out a long transaction of this process, and keeps what they wrote when it rolls back", async () => {
    const { db } = freshDatabase();
    const people = await learners(db, 6);
    let inside = () => {};
    const started = new Promise<void>((r) => (inside = r));
    // A slow write (a merge, a purge) that fails at the end after 3 s, longer than Prisma's default 2 s wait.
    const slow = db
      .$transaction(async (tx) => {
        await tx.user.create({ data: { email: "rolled-back@example.com" } });
        inside();
        await sleep(3_000);
        throw new Error("the slow transaction fails");
      })
      .catch((e: unknown) => e);
    await started;
    const results = await classActivity(db, people);
    expect(await slow).toBeInstanceOf(Error);
    expect(await db.user.count({ where: { email: "rolled-back@example.com" } })).toBe(0);
    for (const r of results) {
      expect(await findSessionUser(db, r.token)).not.toBeNull();
      expect(r.attempt?.attempts).toBe(1);
    }
    expect(await db.attempt.count()).toBe(people.length);
  });

  // A lock on the SQLite file by another process: PostgreSQL has no such lock, so this one runs
  // on SQLite only (the postgresql project runs the rest of this file).
  it.runIf(testProvider() === "sqlite")("lets them wait out another process's write lock longer than better-sqlite3's implicit 5 s", async () => {
    const { db, file } = freshDatabase();
    const people = await learners(db, 4);
    // Another process (a second server, a backup script) holds the write lock for 7 s. It must be
    // another process: better-sqlite3 waits synchronously, so a holder in this one could not let go.
    const holder = spawn(
      process.execPath,
      [
        "-e",
        `const db = require("better-sqlite3")(process.argv[1]); db.exec("BEGIN IMMEDIATE"); db.prepare("INSERT INTO User (id, email, role, locale, createdAt, updatedAt, lastSeenAt) VALUES ('holder', 'holder@example.com', 'learner', 'en', 0, 0, 0)").run(); console.log("locked"); setTimeout(() => { db.exec("COMMIT"); process.exit(0); }, 7000);`,
        file,
      ],
      { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve, reject) => {
      holder.stdout!.on("data", (d: Buffer) => d.toString().includes("locked") && resolve());
      holder.once("exit", (code) => reject(new Error(`lock holder exited with ${code}`)));
    });
    const results = await classActivity(db, people);
    for (const r of results) expect(await findSessionUser(db, r.token)).not.toBeNull();
    expect(await db.attempt.count()).toBe(people.length);
    expect(await db.user.count({ where: { email: "holder@example.com" } })).toBe(1);
  });
});
