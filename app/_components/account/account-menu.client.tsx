"use client";
// The header's account links. Pages are prerendered for everyone, so the menu asks the server
// who this browser is after it loads, the way the lab panel asks for its lab.
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { accountStatusAction, signOutAction } from "@/app/_lib/auth/actions";
import type { AccountStatus } from "@/app/_lib/data/accounts";
import { Link, usePathname } from "@/app/_lib/i18n/navigation";
import { dataOf } from "@/app/_lib/actions/result";

export function AccountMenu() {
  const t = useTranslations("Nav");
  const locale = useLocale();
  const pathname = usePathname();
  const [status, setStatus] = useState<AccountStatus | null>(null);

  useEffect(() => {
    let live = true;
    accountStatusAction()
      .then((s) => live && setStatus(dataOf(s)))
      .catch(() => live && setStatus({ signedIn: false, email: null, displayName: null, role: null }));
    return () => {
      live = false;
    };
  }, [pathname]);

  if (status === null) return <span className="account-menu" aria-busy="true" />;
  if (!status.signedIn) {
    const here = pathname === "/sign-in" || pathname === "/sign-up" ? "" : `?next=${encodeURIComponent(`/${locale}${pathname === "/" ? "" : pathname}`)}`;
    return (
      <span className="account-menu" data-testid="account-menu" data-signed-in="false">
        <Link href={`/sign-in${here}`}>{t("signIn")}</Link>
        <Link href={`/sign-up${here}`}>{t("signUp")}</Link>
      </span>
    );
  }
  return (
    <span className="account-menu" data-testid="account-menu" data-signed-in="true" data-role={status.role ?? undefined}>
      {status.role === "instructor" || status.role === "admin" ? <Link href="/dashboard">{t("dashboard")}</Link> : null}
      {status.role === "admin" ? (
        <Link href="/admin" data-testid="nav-admin">
          {t("admin")}
        </Link>
      ) : null}
      <span className="account-email" title={status.email ?? undefined}>
        {status.displayName ?? status.email}
      </span>
      <form action={signOutAction}>
        <input type="hidden" name="locale" value={locale} />
        <button type="submit" className="button" data-testid="sign-out">
          {t("signOut")}
        </button>
      </form>
    </span>
  );
}
