// One cohort during class: its invite link, the class schedule (labs warmed ahead), the live learners × exercises matrix, one
// learner's attempts and lab on demand, the roster, and the CSV export.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { ClassScheduleView } from "@/app/_components/cohort/class-schedule.client";
import { CohortMatrixView } from "@/app/_components/cohort/cohort-matrix.client";
import { CohortRoster } from "@/app/_components/cohort/cohort-roster.client";
import { InviteLink } from "@/app/_components/cohort/invite-link.client";
import { LocalDateRange } from "@/app/_components/time/local-time.client";
import { teacherGate } from "@/app/_lib/cohort/teacher-gate";
import { classSchedule } from "@/app/_lib/data/class-sessions";
import { cohortMatrix } from "@/app/_lib/data/cohort-progress";
import { CohortNotFoundError, cohortSettings } from "@/app/_lib/data/cohorts";
import { Link } from "@/app/_lib/i18n/navigation";
import type { Locale } from "@/app/_lib/i18n/routing";
import "@/app/_components/cohort/cohort.css";

export const metadata: Metadata = { robots: { index: false } };

async function load(cohortId: string, locale: Locale) {
  try {
    const [settings, matrix, classes] = await Promise.all([cohortSettings(cohortId), cohortMatrix(cohortId, locale), classSchedule(cohortId)]);
    return { settings, matrix, classes };
  } catch (error) {
    if (error instanceof CohortNotFoundError) notFound();
    throw error;
  }
}

export default async function CohortDashboardPage({ params }: { params: Promise<{ locale: Locale; cohortId: string }> }) {
  const { locale, cohortId } = await params;
  setRequestLocale(locale);
  const t = await getTranslations("Dashboard");
  const gate = await teacherGate(locale, `/dashboard/${cohortId}`, () => load(cohortId, locale));
  if (!gate.allowed) {
    return (
      <div className="cohort-page" data-testid="dashboard-forbidden">
        <h1>{t("title")}</h1>
        <p>{t("forbiddenCohort")}</p>
      </div>
    );
  }
  const { settings, matrix, classes } = gate.value;
  return (
    <div className="cohort-page wide">
      <p>
        <Link href="/dashboard">{t("backToCohorts")}</Link>
      </p>
      <header className="cohort-header">
        <h1 data-testid="cohort-name">{settings.name}</h1>
        <span className={`cohort-state cohort-state-${settings.state}`}>{t("state", { state: settings.state })}</span>
        {settings.startsAt && settings.endsAt ? <span className="muted">
            <LocalDateRange from={settings.startsAt} to={settings.endsAt} options={{ dateStyle: "medium" }} />
          </span> : null}
        <a className="cohort-button" href={`/api/cohorts/${settings.id}/csv?locale=${locale}`} download data-testid="csv-export">
          {t("exportCsv")}
        </a>
      </header>
      <InviteLink cohortId={settings.id} inviteCode={settings.inviteCode} ended={settings.state === "ended"} />
      <ClassScheduleView initial={classes} ended={settings.state === "ended"} />
      <CohortMatrixView matrix={matrix} renderedAt={new Date().toISOString()} />
      <CohortRoster cohortId={settings.id} removed={settings.removed} />
    </div>
  );
}
