// The first administrator: from the environment when configured, else admin@localhost with a
// random password printed exactly once; never a second time, and never over an existing admin.
import { describe, expect, it } from "vitest";
import { verifyCredentials } from "@/app/_lib/auth/accounts-core";
import { DEFAULT_ADMIN_EMAIL, ensureFirstAdmin } from "@/app/_lib/auth/first-admin";
import { parseEnv } from "@/app/_lib/config/env";
import { freshDatabase } from "@/test/support/database";

describe("first administrator", { timeout: 60_000 }, () => {
  it("comes from KUBELAB_ADMIN_EMAIL and KUBELAB_ADMIN_PASSWORD, and prints nothing", async () => {
    const { db } = freshDatabase();
    const printed: string[] = [];
    const env = parseEnv({ KUBELAB_ADMIN_EMAIL: "Ops@Example.com", KUBELAB_ADMIN_PASSWORD: "a long admin secret" });
    const result = await ensureFirstAdmin(db, { email: env.KUBELAB_ADMIN_EMAIL, password: env.KUBELAB_ADMIN_PASSWORD }, (t) => printed.push(t));
    expect(result).toEqual({ created: true, email: "ops@example.com", source: "env" });
    expect(printed).toEqual([]);
    const user = await db.user.findUniqueOrThrow({ where: { email: "ops@example.com" } });
    expect(user.role).toBe("admin");
    expect(await verifyCredentials(db, "ops@example.com", "a long admin secret")).toEqual({ userId: user.id });
  });

  it("is otherwise admin@localhost with a random password printed once and never again", async () => {
    const { db } = freshDatabase();
    const printed: string[] = [];
    const print = (t: string) => printed.push(t);
    expect(await ensureFirstAdmin(db, {}, print)).toEqual({ created: true, email: DEFAULT_ADMIN_EMAIL, source: "generated" });
    expect(printed).toHaveLength(1);
    const password = /password: (\S+)/.exec(printed[0]!)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await verifyCredentials(db, DEFAULT_ADMIN_EMAIL, password!)).not.toBeNull();

    // A restart: an admin exists, so nothing is made and nothing printed.
    expect(await ensureFirstAdmin(db, {}, print)).toEqual({ created: false });
    expect(await ensureFirstAdmin(db, { email: "late@example.com", password: "configured later" }, print)).toEqual({ created: false });
    expect(printed).toHaveLength(1);
    expect(await db.user.count({ where: { role: "admin" } })).toBe(1);
  });

  it("needs both variables or neither, and a real email", () => {
    expect(() => parseEnv({ KUBELAB_ADMIN_EMAIL: "ops@example.com" })).toThrow(/KUBELAB_ADMIN_PASSWORD: set both/);
    expect(() => parseEnv({ KUBELAB_ADMIN_EMAIL: "ops", KUBELAB_ADMIN_PASSWORD: "a long admin secret" })).toThrow(/KUBELAB_ADMIN_EMAIL/);
    expect(() => parseEnv({ KUBELAB_ADMIN_EMAIL: "ops@example.com", KUBELAB_ADMIN_PASSWORD: "short" })).toThrow(/KUBELAB_ADMIN_PASSWORD: must be at least 10/);
  });
});
