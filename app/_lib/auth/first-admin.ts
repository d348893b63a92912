// The first administrator, made at start when the database has none: from KUBELAB_ADMIN_EMAIL
// and KUBELAB_ADMIN_PASSWORD when set, otherwise admin@kubelab.local with a random password.
// The generated password goes once into a file only this user can read, next to the database;
// the console says where that file is, never what is in it, so no log or terminal scroll-back
// keeps it. Once an admin exists this does nothing, so the password is never made again.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { PrismaClient } from "@/prisma/generated/client";
import { emailSchema } from "./accounts-core";
import { hashPassword } from "./password";

/**
 * An address the sign-in form's ordinary email schema accepts (a dotted domain), so the admin
 * needs no special case anywhere. `.local` is reserved for local names (RFC 6762) and never
 * routes mail to a stranger.
 */
export const DEFAULT_ADMIN_EMAIL = "admin@kubelab.local";
/** What kubelab made before; no sign-in form accepted it, so such an admin could never sign in. */
export const LEGACY_ADMIN_EMAIL = "admin@localhost";
export const FIRST_ADMIN_FILE = "first-admin-password.txt";

export type FirstAdminResult =
  | { created: false; renamedFrom?: string }
  | { created: true; email: string; source: "env" }
  | { created: true; email: string; source: "generated"; passwordFile: string };

export interface FirstAdminOptions {
  /** Where the generated password file goes: the database's folder (data/ by default). */
  dataDir: string;
  /** The console; tests collect it. Never a logger: log lines are shipped and kept. */
  print?: (text: string) => void;
}

export async function ensureFirstAdmin(db: PrismaClient, configured: { email?: string; password?: string }, options: FirstAdminOptions): Promise<FirstAdminResult> {
  const print = options.print ?? ((text: string) => process.stdout.write(text));
  const renamedFrom = await renameLegacyAdmin(db, print);
  if ((await db.user.count({ where: { role: "admin", email: { not: null } } })) > 0) return renamedFrom ? { created: false, renamedFrom } : { created: false };
  const fromEnv = configured.email !== undefined && configured.password !== undefined;
  const email = fromEnv ? configured.email!.trim().toLowerCase() : DEFAULT_ADMIN_EMAIL;
  // The same rule as every account: whatever is made here can be typed into the sign-in form.
  emailSchema.parse(email);
  // 18 random bytes: 24 characters of base64url, typed once and then changed or kept in a vault.
  const password = fromEnv ? configured.password! : randomBytes(18).toString("base64url");
  const passwordHash = await hashPassword(password);
  // The file first: an admin whose password went nowhere could never sign in.
  const passwordFile = fromEnv ? undefined : writePasswordFile(options.dataDir, email, password);
  // An existing account with that email (a learner who signed up first) becomes the admin,
  // with the configured password: the operator's word wins over a self-chosen sign-up.
  await db.user.upsert({
    where: { email },
    create: { email, passwordHash, role: "admin" },
    update: { passwordHash, role: "admin" },
  });
  if (!passwordFile) return { created: true, email, source: "env" };
  print(
    [
      "",
      "┌─ kubelab: first administrator created ─────────────────────────────",
      `│  email:    ${email}`,
      `│  password: in ${passwordFile}`,
      "│            (readable only by the user running kubelab; it is not printed or logged)",
      "│  Sign in at /en/sign-in or /ko/sign-in, then delete the file:",
      `│    rm ${passwordFile}`,
      "│  (Set KUBELAB_ADMIN_EMAIL and KUBELAB_ADMIN_PASSWORD to choose them instead.)",
      "└────────────────────────────────────────────────────────────────────",
      "",
    ].join("\n"),
  );
  return { created: true, email, source: "generated", passwordFile };
}

/** The generated password's file, made 0600 before anything is in it and moved into place whole. */
function writePasswordFile(dataDir: string, email: string, password: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.resolve(dataDir, FIRST_ADMIN_FILE);
  // A file left from an earlier database would hold a password that no longer works: the
  // rename replaces it (and replaces a planted symlink itself, never what it points at).
  const temporary = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  writeFileSync(
    temporary,
    [
      `# kubelab's first administrator, made ${new Date().toISOString()}.`,
      "# Sign in at /en/sign-in or /ko/sign-in, then delete this file.",
      `email: ${email}`,
      `password: ${password}`,
      "",
    ].join("\n"),
    { mode: 0o600, flag: "wx" },
  );
  renameSync(temporary, file);
  return file;
}

/**
 * Databases made before this release hold admin@localhost, which the sign-in form refuses. It
 * becomes admin@kubelab.local with the same password, once, and the console says so.
 */
async function renameLegacyAdmin(db: PrismaClient, print: (text: string) => void): Promise<string | undefined> {
  const legacy = await db.user.findUnique({ where: { email: LEGACY_ADMIN_EMAIL }, select: { id: true } });
  if (!legacy || (await db.user.findUnique({ where: { email: DEFAULT_ADMIN_EMAIL }, select: { id: true } }))) return undefined;
  await db.user.update({ where: { id: legacy.id }, data: { email: DEFAULT_ADMIN_EMAIL } });
  print(`\nkubelab: the account ${LEGACY_ADMIN_EMAIL} is now ${DEFAULT_ADMIN_EMAIL} (the sign-in form needs a dotted domain); its password is unchanged.\n`);
  return LEGACY_ADMIN_EMAIL;
}

/** A reminder at each start while the generated password still lies on disk (the path only). */
export function leftoverPasswordFile(dataDir: string): string | undefined {
  const file = path.resolve(dataDir, FIRST_ADMIN_FILE);
  return existsSync(file) ? file : undefined;
}
