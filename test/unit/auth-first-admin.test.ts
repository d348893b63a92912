// The first administrator: from the environment when configured, else admin@kubelab.local with
// a random password written once to a 0600 file beside the database (the console names the
// file, never the password); never a second time, and never over an existing admin. Whatever
// is made must pass the same sign-in schema as any account: admin@localhost did not (issue 13).
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { signInSchema, verifyCredentials } from "@/app/_lib/auth/accounts-core";
import { DEFAULT_ADMIN_EMAIL, ensureFirstAdmin, FIRST_ADMIN_FILE, LEGACY_ADMIN_EMAIL, leftoverPasswordFile } from "@/app/_lib/auth/first-admin";
import { hashPassword } from "@/app/_lib/auth/password";
import { parseEnv } from "@/app/_lib/config/env";
import { freshDatabase } from "@/test/support/database";

const dataDir = () => mkdtempSync(path.join(tmpdir(), "kubelab-admin-"));

describe("first administrator", { timeout: 60_000 }, () => {
  it("comes from KUBELAB_ADMIN_EMAIL and KUBELAB_ADMIN_PASSWORD, and prints and writes nothing", async () => {
    const { db } = freshDatabase();
    const printed: string[] = [];
    const dir = dataDir();
    const env = parseEnv({ KUBELAB_ADMIN_EMAIL: "Ops@Example.com", KUBELAB_ADMIN_PASSWORD: "a long admin secret" });
    const result = await ensureFirstAdmin(db, { email: env.KUBELAB_ADMIN_EMAIL, password: env.KUBELAB_ADMIN_PASSWORD }, { dataDir: dir, print: (t) => printed.push(t) });
    expect(result).toEqual({ created: true, email: "ops@example.com", source: "env" });
    expect(printed).toEqual([]);
    expect(leftoverPasswordFile(dir)).toBeUndefined();
    const user = await db.user.findUniqueOrThrow({ where: { email: "ops@example.com" } });
    expect(user.role).toBe("admin");
    expect(await verifyCredentials(db, "ops@example.com", "a long admin secret")).toEqual({ userId: user.id });
  });

  it("is otherwise an address the sign-in form accepts, its password in a 0600 file and never on the console", async () => {
    const { db } = freshDatabase();
    const printed: string[] = [];
    const print = (t: string) => printed.push(t);
    const dir = dataDir();
    const result = await ensureFirstAdmin(db, {}, { dataDir: dir, print });
    const file = path.join(dir, FIRST_ADMIN_FILE);
    expect(result).toEqual({ created: true, email: DEFAULT_ADMIN_EMAIL, source: "generated", passwordFile: file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, "utf8");
    const email = /^email: (\S+)$/m.exec(text)?.[1];
    const password = /^password: (\S+)$/m.exec(text)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    // The console names the file and how to remove it, and does not hold the password.
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain(file);
    expect(printed[0]).toContain(`rm ${file}`);
    expect(printed[0]).not.toContain(password);
    // What the sign-in form will do with what the operator types.
    const typed = signInSchema.safeParse({ email, password });
    expect(typed.success, JSON.stringify(typed.error?.issues)).toBe(true);
    expect(await verifyCredentials(db, typed.data!.email, typed.data!.password)).not.toBeNull();

    // A restart: an admin exists, so nothing is made, printed or rewritten; the file is pointed out.
    expect(await ensureFirstAdmin(db, {}, { dataDir: dir, print })).toEqual({ created: false });
    expect(await ensureFirstAdmin(db, { email: "late@example.com", password: "configured later" }, { dataDir: dir, print })).toEqual({ created: false });
    expect(printed).toHaveLength(1);
    expect(readFileSync(file, "utf8")).toBe(text);
    expect(leftoverPasswordFile(dir)).toBe(file);
    expect(await db.user.count({ where: { role: "admin" } })).toBe(1);
  });

  it("replaces a stale password file from an earlier database instead of failing or keeping it", async () => {
    const { db } = freshDatabase();
    const dir = dataDir();
    writeFileSync(path.join(dir, FIRST_ADMIN_FILE), "password: from-a-deleted-database\n", { mode: 0o644 });
    await ensureFirstAdmin(db, {}, { dataDir: dir, print: () => {} });
    const file = path.join(dir, FIRST_ADMIN_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const password = /^password: (\S+)$/m.exec(readFileSync(file, "utf8"))?.[1];
    expect(await verifyCredentials(db, DEFAULT_ADMIN_EMAIL, password!)).not.toBeNull();
  });

  it("renames an admin@localhost of an older database, keeping its password, so it can sign in", async () => {
    const { db } = freshDatabase();
    const old = await db.user.create({ data: { email: LEGACY_ADMIN_EMAIL, passwordHash: await hashPassword("printed-by-an-old-release"), role: "admin" } });
    const printed: string[] = [];
    const dir = dataDir();
    expect(await ensureFirstAdmin(db, {}, { dataDir: dir, print: (t) => printed.push(t) })).toEqual({ created: false, renamedFrom: LEGACY_ADMIN_EMAIL });
    expect(printed.join("")).toContain(`${LEGACY_ADMIN_EMAIL} is now ${DEFAULT_ADMIN_EMAIL}`);
    expect(leftoverPasswordFile(dir)).toBeUndefined();
    const typed = signInSchema.parse({ email: DEFAULT_ADMIN_EMAIL, password: "printed-by-an-old-release" });
    expect(await verifyCredentials(db, typed.email, typed.password)).toEqual({ userId: old.id });
  });

  it("needs both variables or neither, and a real email", () => {
    expect(() => parseEnv({ KUBELAB_ADMIN_EMAIL: "ops@example.com" })).toThrow(/KUBELAB_ADMIN_PASSWORD: set both/);
    expect(() => parseEnv({ KUBELAB_ADMIN_EMAIL: "ops", KUBELAB_ADMIN_PASSWORD: "a long admin secret" })).toThrow(/KUBELAB_ADMIN_EMAIL/);
    expect(() => parseEnv({ KUBELAB_ADMIN_EMAIL: "ops@example.com", KUBELAB_ADMIN_PASSWORD: "short" })).toThrow(/KUBELAB_ADMIN_PASSWORD: must be at least 10/);
  });
});
