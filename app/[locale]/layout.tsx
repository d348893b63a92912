import "pretendard/dist/web/variable/pretendardvariable-dynamic-subset.css";
import "../globals.css";
import "../code-theme.css";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { hasLocale, NextIntlClientProvider } from "next-intl";
import { getTranslations, setRequestLocale } from "next-intl/server";
import type { ReactNode } from "react";
import { AccountMenu } from "@/app/_components/account/account-menu.client";
import "@/app/_components/account/account.css";
import { BrowserTimeZone } from "@/app/_components/time/browser-time-zone.client";
import { SkipToLab } from "@/app/_components/skip-to-lab.client";
import { LanguageSwitch } from "@/app/_components/language-switch.client";
import { Link } from "@/app/_lib/i18n/navigation";
import { routing } from "@/app/_lib/i18n/routing";

export function generateStaticParams() {
  return routing.locales.map((locale) => ({ locale }));
}

export async function generateMetadata({ params }: { params: Promise<{ locale: string }> }): Promise<Metadata> {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) return {};
  const t = await getTranslations({ locale, namespace: "Site" });
  return { title: { default: t("name"), template: `%s · ${t("name")}` }, description: t("tagline") };
}

export default async function LocaleLayout({ children, params }: { children: ReactNode; params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) notFound();
  setRequestLocale(locale);
  const t = await getTranslations("Site");
  const nav = await getTranslations("Nav");
  return (
    <html lang={locale}>
      <body>
        <NextIntlClientProvider>
          <BrowserTimeZone>
            <a className="skip-link" href="#main">
              {t("skipToContent")}
            </a>
            <SkipToLab />
            <header className="site-header">
              {/* No prefetch: on the catalog these fetched the page being read, twice. */}
              <Link href="/" className="brand" prefetch={false}>
                <span aria-hidden="true">⎈</span> {t("name")}
              </Link>
              <nav aria-label={nav("catalog")} className="site-nav">
                <Link href="/" prefetch={false}>
                  {nav("catalog")}
                </Link>
                <AccountMenu />
                <LanguageSwitch />
              </nav>
            </header>
            <main id="main">{children}</main>
            <footer className="site-footer">{t("footer")}</footer>
          </BrowserTimeZone>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
