// The first administrator, made at start when the database has none: from KUBELAB_ADMIN_EMAIL
// and KUBELAB_ADMIN_PASSWORD when set, otherwise admin@localhost with a random password that
// is printed once. Once an admin exists this does nothing, so the password is never shown again.
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@/app/_lib/db/generated/client";
import { hashPassword } from "./password";

export const DEFAULT_ADMIN_EMAIL = "admin@localhost";

export type FirstAdminResult = { created: false } | { created: true; email: string; source: "env" | "generated" };

export async function ensureFirstAdmin(
  db: PrismaClient,
  configured: { email?: string; password?: string },
  print: (text: string) => void = (text) => process.stdout.write(text),
): Promise<FirstAdminResult> {
  if ((await db.user.count({ where: { role: "admin", email: { not: null } } })) > 0) return { created: false };
  const fromEnv = configured.email !== undefined && configured.password !== undefined;
  const email = fromEnv ? configured.email!.trim().toLowerCase() : DEFAULT_ADMIN_EMAIL;
  // 18 random bytes: 24 characters of base64url, typed once and then changed or kept in a vault.
  const password = fromEnv ? configured.password! : randomBytes(18).toString("base64url");
  const passwordHash = await hashPassword(password);
  // An existing account with that email (a learner who signed up first) becomes the admin,
  // with the configured password: the operator's word wins over a self-chosen sign-up.
  await db.user.upsert({
    where: { email },
    create: { email, passwordHash, role: "admin" },
    update: { passwordHash, role: "admin" },
  });
  if (!fromEnv) {
    print(
      [
        "",
        "┌─ kubelab: first administrator created ─────────────────────────────",
        `│  email:    ${email}`,
        `│  password: ${password}`,
        "│  This password is shown once and never again. Sign in at /en/sign-in.",
        "│  (Set KUBELAB_ADMIN_EMAIL and KUBELAB_ADMIN_PASSWORD to choose them.)",
        "└────────────────────────────────────────────────────────────────────",
        "",
      ].join("\n"),
    );
  }
  return { created: true, email, source: fromEnv ? "env" : "generated" };
}
