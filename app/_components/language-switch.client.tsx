"use client";
// Switches language and stays on the same page: lesson ids are the same in both languages.
import { useLocale, useTranslations } from "next-intl";
import { Link, usePathname } from "@/app/_lib/i18n/navigation";

export function LanguageSwitch() {
  const t = useTranslations("Nav");
  const locale = useLocale();
  const pathname = usePathname();
  const other = locale === "ko" ? "en" : "ko";
  return (
    <Link href={pathname} locale={other} hrefLang={other} lang={other} aria-label={t("switchToLabel")} className="language-switch" data-testid="language-switch">
      {t("switchTo")}
    </Link>
  );
}
