// Next 16's request proxy (formerly middleware): sends `/` and unprefixed paths to /ko or
// /en: the remembered choice (cookie KUBELAB_LOCALE) first, then the browser's
// Accept-Language as negotiateLocale reads it (Korean for Korean, English for any other
// language), then Korean when the browser names none.
// next-intl's own matcher falls back to the default locale (Korean) for every language it
// does not have, so a French or `ja,en` browser got Korean; it is handed the negotiated
// language instead of the raw header.
import createMiddleware from "next-intl/middleware";
import { NextRequest } from "next/server";
import { negotiateLocale } from "./app/_lib/i18n/negotiate";
import { routing } from "./app/_lib/i18n/routing";

const intl = createMiddleware(routing);

export default function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set("accept-language", negotiateLocale(request.headers.get("accept-language")));
  return intl(new NextRequest(request.url, { headers, method: request.method }));
}

export const config = {
  // Everything except API routes, metrics, Next internals and files with an extension.
  matcher: "/((?!api|metrics|_next|_vercel|.*\\..*).*)",
};
