// The sign-up page. `next` (a path on this site) is where the form sends the person afterwards,
// so an invite link can route people through here and back.
import type { Metadata } from "next";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { AuthForm } from "@/app/_components/account/auth-form.client";
import { safeNextPath } from "@/app/_lib/auth/safe-next";
import type { Locale } from "@/app/_lib/i18n/routing";

type Props = { params: Promise<{ locale: Locale }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: "Auth" });
  return { title: t("signUpTitle"), robots: { index: false } };
}

export default async function SignUpPage({ params, searchParams }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const t = await getTranslations("Auth");
  const next = safeNextPath((await searchParams).next, locale);
  return (
    <div className="auth-page">
      <h1>{t("signUpTitle")}</h1>
      <p className="muted">{t("signUpLede")}</p>
      <AuthForm mode="sign-up" next={next} />
    </div>
  );
}
