// Who may open a terminal and keep it open: the web app's policy, handed to the terminal
// bridge (sandbox/terminal/bridge.ts), which knows sockets and shells but not sessions.
// A socket needs a terminal token (signed by this server, naming a learner and a lab) AND
// the session cookie of that same learner; the session is checked again while it stays open.
// Not server-only: server.ts builds the runtime under tsx. The bridge tests use this very
// policy (test/integration/terminal/bridge.test.ts).
import type { IncomingMessage } from "node:http";
import { cookieFrom, findSessionUser, sessionCookieName } from "@/app/_lib/auth/session-core";
import { PEER_ADDRESS_HEADER, PEER_HTTPS_HEADER } from "@/app/_lib/auth/peer-address";
import type { PrismaClient } from "@/prisma/generated/client";
import type { BridgeDeps } from "@/sandbox/terminal/bridge";
import { verifyTerminalToken } from "@/sandbox/terminal/token";

type Access = Pick<BridgeDeps, "authenticate" | "recheck" | "address" | "shellEnv">;

export function terminalAccess(deps: {
  db: PrismaClient;
  secret: Uint8Array;
  /** The learner's lab, when they may attach to it (LabManager.attachable). */
  attachable: BridgeDeps["attachable"];
}): Access {
  const { db, secret, attachable } = deps;
  const sessionUser = (req: IncomingMessage) => findSessionUser(db, cookieFrom(req.headers.cookie, sessionCookieName(req.headers[PEER_HTTPS_HEADER] === "1")));
  return {
    async authenticate(req) {
      const url = new URL(req.url ?? "/", "http://localhost");
      const token = url.searchParams.get("token");
      if (!token) return { refused: "token-invalid" };
      const check = await verifyTerminalToken(secret, token);
      if (!check.ok) return { refused: check.reason === "expired" ? "token-expired" : "token-invalid" };
      // The token names a learner; the cookie must be that learner's too.
      const user = await sessionUser(req);
      if (!user || user.userId !== check.claims.userId) return { refused: "forbidden" };
      return check.claims;
    },
    // server.ts stamps the client's address on upgrades too (behind a trusted proxy, the one it forwarded).
    address: (req) => String(req.headers[PEER_ADDRESS_HEADER] ?? req.socket.remoteAddress ?? "unknown"),
    async recheck(req, userId, sandboxId) {
      const user = await sessionUser(req);
      if (!user || user.userId !== userId) return "signed-out";
      return (await attachable(userId, sandboxId)) ? null : "lab-missing";
    },
    async shellEnv(userId) {
      const user = await db.user.findUnique({ where: { id: userId }, select: { locale: true } });
      return { LANG: user?.locale === "ko" ? "ko_KR.UTF-8" : "en_US.UTF-8" };
    },
  };
}
