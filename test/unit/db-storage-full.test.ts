// A full disk, as SQLite really reports it: the database is capped with max_page_count, so the
// next write fails with SQLITE_FULL ("database or disk is full") through the server's own
// Prisma client. isStorageFull must recognise that through Prisma's wrapping, and nothing else,
// because the forms and the Check button turn it into "the disk is full, nothing was saved".
import { describe, expect, it } from "vitest";
import { signUp } from "@/app/_lib/auth/accounts-core";
import { isStorageFull } from "@/app/_lib/db/storage-full";
import { recordAttempt } from "@/app/_lib/data/progress-store";
import { freshDatabase } from "@/test/support/database";

describe("isStorageFull", () => {
  it("recognises a write refused by a full database, and the earlier rows stay", async () => {
    const { db } = freshDatabase();
    const made = await signUp(db, { email: "early@full.example", password: "a long password", displayName: null, locale: "en" });
    if (!made.ok) throw new Error("sign-up failed");
    const pages = await db.$queryRawUnsafe<{ page_count: bigint }[]>("PRAGMA page_count");
    await db.$queryRawUnsafe(`PRAGMA max_page_count = ${Number(pages[0]!.page_count)}`);
    const big = { version: 1, padding: "x".repeat(200_000) };
    const refused = await recordAttempt(db, { userId: made.userId, lessonId: "01-first-pods", exerciseId: "create-pod", sandboxId: null, outcome: "fail", results: big }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused, "the capped database accepted a 200 KB write").not.toBeNull();
    expect(isStorageFull(refused)).toBe(true);
    // Nothing half-made, nothing earlier lost.
    expect(await db.attempt.count()).toBe(0);
    expect(await db.user.count({ where: { email: "early@full.example" } })).toBe(1);
    await db.$disconnect();
  });

  it("does not mistake other failures for a full disk", async () => {
    const { db } = freshDatabase();
    await signUp(db, { email: "twice@full.example", password: "a long password", displayName: null, locale: "en" });
    const duplicate = await db.user.create({ data: { email: "twice@full.example" } }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(duplicate).not.toBeNull();
    expect(isStorageFull(duplicate)).toBe(false);
    expect(isStorageFull(new Error("connect ECONNREFUSED"))).toBe(false);
    expect(isStorageFull(undefined)).toBe(false);
    await db.$disconnect();
  });
});
