// Next 16's request proxy (formerly middleware): sends `/` and unprefixed paths to /ko or
// /en by cookie, then Accept-Language, then Korean.
import createMiddleware from "next-intl/middleware";
import { routing } from "./app/_lib/i18n/routing";

export default createMiddleware(routing);

export const config = {
  // Everything except API routes, metrics, Next internals and files with an extension.
  matcher: "/((?!api|metrics|_next|_vercel|.*\\..*).*)",
};
