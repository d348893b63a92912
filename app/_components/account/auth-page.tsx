// The sign-in and sign-up pages differ only in their words and the form's mode. `next` (a path
// on this site) is where the form sends the person afterwards, so an invite link can route
// people through here and back.
import type { Metadata } from "next";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { AuthForm } from "@/app/_components/account/auth-form.client";
import { safeNextPath } from "@/app/_lib/auth/safe-next";
import type { Locale } from "@/app/_lib/i18n/routing";

export type AuthMode = "sign-in" | "sign-up";
export type AuthPageProps = { params: Promise<{ locale: Locale }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const WORDS = {
  "sign-in": { title: "signInTitle", lede: "signInLede" },
  "sign-up": { title: "signUpTitle", lede: "signUpLede" },
} as const;

export async function authPageMetadata(mode: AuthMode, { params }: AuthPageProps): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: "Auth" });
  return { title: t(WORDS[mode].title), robots: { index: false } };
}

export async function AuthPage({ mode, params, searchParams }: AuthPageProps & { mode: AuthMode }) {
  const { locale } = await params;
  setRequestLocale(locale);
  const t = await getTranslations("Auth");
  const next = safeNextPath((await searchParams).next, locale);
  return (
    <div className="auth-page">
      <h1>{t(WORDS[mode].title)}</h1>
      <p className="muted">{t(WORDS[mode].lede)}</p>
      <AuthForm mode={mode} next={next} />
    </div>
  );
}
