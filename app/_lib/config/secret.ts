// The server's signing secret: KUBELAB_SECRET when set, else a random one made on first
// start and kept in data/secret (mode 0600), so tokens survive a restart.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "./env";

let cached: Uint8Array | undefined;

export function serverSecret(dataDir = path.resolve(/*turbopackIgnore: true*/ process.cwd(), "data")): Uint8Array {
  if (cached) return cached;
  const fromEnv = env().KUBELAB_SECRET;
  if (fromEnv) return (cached = new TextEncoder().encode(fromEnv));
  const file = path.join(dataDir, "secret");
  try {
    cached = new TextEncoder().encode(readFileSync(file, "utf8").trim());
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(48).toString("base64url");
    // "wx": if another process wrote it first, read theirs instead of overwriting.
    try {
      writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
      chmodSync(file, 0o600);
      cached = new TextEncoder().encode(secret);
    } catch {
      cached = new TextEncoder().encode(readFileSync(file, "utf8").trim());
    }
  }
  return cached;
}
