// CSRF defence for state-changing route handlers. Server actions get Next's own Origin check;
// plain route handlers do not, so each POST/PUT/PATCH/DELETE handler calls this first. The
// rule is Next's: the Origin header's host must equal the request's host (x-forwarded-host
// behind a proxy). A request without Origin (curl, old browsers on same-origin GET) is only
// let through for safe methods. No imports: server.ts uses it for the terminal socket too;
// route handlers call requireSameOrigin (guards.ts), which throws a 403 AuthError.

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isSameOrigin(headers: Headers, method: string): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return true;
  const origin = headers.get("origin");
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host");
  if (!origin || !host || origin === "null") return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
