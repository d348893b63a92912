// The two languages of kubelab, and how a URL carries one. Korean is the default when the
// browser's Accept-Language names neither.
import { defineRouting } from "next-intl/routing";

export const locales = ["ko", "en"] as const;
export type Locale = (typeof locales)[number];

export const routing = defineRouting({
  locales,
  defaultLocale: "ko",
  localePrefix: "always",
  // A year: the learner's choice should outlive a browser restart.
  localeCookie: { name: "KUBELAB_LOCALE", maxAge: 60 * 60 * 24 * 365, sameSite: "lax" },
});

export function isLocale(value: string): value is Locale {
  return (locales as readonly string[]).includes(value);
}
