// What a dashboard page does when the data layer refuses: nobody signed in goes to sign-in
// and comes back; a signed-in learner is told the page is for instructors.
import "server-only";
import { isAuthError } from "@/app/_lib/auth/guards";
import { redirect } from "@/app/_lib/i18n/navigation";
import type { Locale } from "@/app/_lib/i18n/routing";

export type Gate<T> = { allowed: true; value: T } | { allowed: false };

export async function teacherGate<T>(locale: Locale, returnTo: string, load: () => Promise<T>): Promise<Gate<T>> {
  try {
    return { allowed: true, value: await load() };
  } catch (error) {
    if (!isAuthError(error)) throw error;
    if (error.status === 401) redirect({ href: { pathname: "/sign-in", query: { next: `/${locale}${returnTo}` } }, locale });
    return { allowed: false };
  }
}
