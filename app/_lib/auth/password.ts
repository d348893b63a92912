// Password hashing with argon2id (OWASP's first choice), through @node-rs/argon2: prebuilt,
// no install script, and off the main thread. Parameters are argon2's defaults (19 MiB, 2
// passes), which OWASP lists as a minimum that still answers a sign-in in tens of ms.
import { hash, verify } from "@node-rs/argon2";

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed stored hash is a failed sign-in, never a crash.
    return false;
  }
}

let decoy: Promise<string> | undefined;

/**
 * Checks a password against a hash nobody owns, so that a sign-in for an unknown email costs
 * the same time as one with a wrong password and the answer time does not tell which emails
 * have accounts.
 */
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoy ??= hash("kubelab-decoy-password-nobody-has");
  await verifyPassword(await decoy, password);
  return false;
}
