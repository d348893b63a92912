// Short-lived signed tokens that let one learner's browser open the terminal of one lab.
// The page asks for one right before connecting; the socket checks it and the session
// cookie, so a token leaked from someone else's browser is refused too.
import { errors, jwtVerify, SignJWT } from "jose";

const AUDIENCE = "kubelab-terminal";
export const TERMINAL_TOKEN_TTL_SECONDS = 60;

export interface TerminalClaims {
  userId: string;
  sandboxId: string;
}

export async function signTerminalToken(secret: Uint8Array, claims: TerminalClaims, ttlSeconds = TERMINAL_TOKEN_TTL_SECONDS): Promise<string> {
  return new SignJWT({ sid: claims.sandboxId })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.userId)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(secret);
}

export type TokenCheck = { ok: true; claims: TerminalClaims } | { ok: false; reason: "expired" | "invalid" };

export async function verifyTerminalToken(secret: Uint8Array, token: string): Promise<TokenCheck> {
  try {
    const { payload } = await jwtVerify(token, secret, { audience: AUDIENCE, algorithms: ["HS256"] });
    if (typeof payload.sub !== "string" || typeof payload.sid !== "string") return { ok: false, reason: "invalid" };
    return { ok: true, claims: { userId: payload.sub, sandboxId: payload.sid } };
  } catch (error) {
    return { ok: false, reason: error instanceof errors.JWTExpired ? "expired" : "invalid" };
  }
}
