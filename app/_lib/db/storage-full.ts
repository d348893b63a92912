// Tells a write refused because the database's disk is full from any other failure, so forms
// and the Check button can say what happened (nothing was saved, nothing earlier is lost)
// instead of a generic error. SQLite reports SQLITE_FULL ("database or disk is full"); a
// journal or temp file that cannot grow surfaces as ENOSPC. Prisma wraps both, so the whole
// cause chain is searched.
const FULL = /SQLITE_FULL|database or disk is full|ENOSPC|no space left on device/i;

export function isStorageFull(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (typeof e === "object") {
      const { message, code, cause } = e as { message?: unknown; code?: unknown; cause?: unknown };
      if ((typeof message === "string" && FULL.test(message)) || (typeof code === "string" && FULL.test(code))) return true;
      e = cause;
    } else {
      return typeof e === "string" && FULL.test(e);
    }
  }
  return false;
}
