// An invite link. Shows which cohort it is for, then, depending on who opens it: sign up or
// sign in first (coming back here), join, already in, removed, or the cohort has ended.
import type { Metadata } from "next";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { JoinButton } from "@/app/_components/cohort/join-button.client";
import { LocalDateRange } from "@/app/_components/time/local-time.client";
import { invitePreview } from "@/app/_lib/data/cohorts";
import { Link } from "@/app/_lib/i18n/navigation";
import type { Locale } from "@/app/_lib/i18n/routing";
import "@/app/_components/cohort/cohort.css";

// A title that names the cohort, so a tab or a bookmark says which invitation it is.
export async function generateMetadata({ params }: { params: Promise<{ locale: Locale; code: string }> }): Promise<Metadata> {
  const { locale, code } = await params;
  const t = await getTranslations({ locale, namespace: "Titles" });
  const preview = await invitePreview(code);
  return { title: preview.valid ? t("join", { name: preview.cohortName }) : t("joinInvalid"), robots: { index: false } };
}

export default async function JoinPage({ params }: { params: Promise<{ locale: Locale; code: string }> }) {
  const { locale, code } = await params;
  setRequestLocale(locale);
  const t = await getTranslations("Cohort.join");
  const preview = await invitePreview(code);
  if (!preview.valid) {
    return (
      <div className="cohort-page narrow" data-testid="join" data-state="invalid">
        <h1>{t("invalidTitle")}</h1>
        <p>{t("invalid")}</p>
      </div>
    );
  }
  const here = `/${locale}/join/${code}`;
  const dates = preview.startsAt && preview.endsAt ? <LocalDateRange from={preview.startsAt} to={preview.endsAt} options={{ dateStyle: "medium" }} /> : null;
  let body: React.ReactNode;
  if (preview.membership === "member") {
    body = (
      <>
        <p data-testid="join-done">{t("member")}</p>
        <p>
          <Link href="/" className="cohort-button primary">
            {t("toCourse")}
          </Link>
        </p>
      </>
    );
  } else if (preview.membership === "removed") {
    body = <p>{t("removed")}</p>;
  } else if (preview.membership === "instructor") {
    body = (
      <p>
        {t("instructor")} <Link href="/dashboard">{t("toDashboard")}</Link>
      </p>
    );
  } else if (preview.state === "ended") {
    body = <p>{t("ended")}</p>;
  } else if (preview.membership === "signed-out" || preview.membership === "no-account") {
    body = (
      <>
        <p>{t("needAccount")}</p>
        <p className="cohort-actions">
          <Link href={{ pathname: "/sign-up", query: { next: here } }} className="cohort-button primary" data-testid="join-sign-up">
            {t("signUp")}
          </Link>
          <Link href={{ pathname: "/sign-in", query: { next: here } }} className="cohort-button" data-testid="join-sign-in">
            {t("signIn")}
          </Link>
        </p>
      </>
    );
  } else {
    body = (
      <>
        {preview.state === "upcoming" ? <p className="muted">{t("upcoming")}</p> : null}
        <JoinButton code={code} />
      </>
    );
  }
  return (
    <div className="cohort-page narrow" data-testid="join" data-state={preview.membership}>
      <p className="muted">{t("invitedTo")}</p>
      <h1>{preview.cohortName}</h1>
      <p className="muted">
        {t("taughtBy", { name: preview.instructorName })}
        {dates ? <> · {dates}</> : null}
      </p>
      {body}
    </div>
  );
}
