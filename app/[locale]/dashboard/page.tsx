// The instructor's cohorts, and a form for a new one. Admins see every cohort.
import type { Metadata } from "next";
import { getTranslations, setRequestLocale } from "next-intl/server";
import { CreateCohortForm } from "@/app/_components/cohort/create-cohort-form.client";
import { LocalDateRange } from "@/app/_components/time/local-time.client";
import { teacherGate } from "@/app/_lib/cohort/teacher-gate";
import { listMyCohorts } from "@/app/_lib/data/cohorts";
import { Link } from "@/app/_lib/i18n/navigation";
import type { Locale } from "@/app/_lib/i18n/routing";
import { getCatalog } from "@/app/_lib/lessons/catalog";
import "@/app/_components/cohort/cohort.css";

export async function generateMetadata({ params }: { params: Promise<{ locale: Locale }> }): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: "Dashboard" });
  return { title: t("title") };
}

export default async function DashboardPage({ params }: { params: Promise<{ locale: Locale }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  const t = await getTranslations("Dashboard");
  const gate = await teacherGate(locale, "/dashboard", () => listMyCohorts());
  if (!gate.allowed) {
    return (
      <div className="cohort-page" data-testid="dashboard-forbidden">
        <h1>{t("title")}</h1>
        <p>{t("forbidden")}</p>
      </div>
    );
  }
  const cohorts = gate.value;
  const lessons = getCatalog(locale).map((l) => ({ id: l.id, title: l.frontMatter.title }));
  return (
    <div className="cohort-page">
      <h1>{t("title")}</h1>
      <section aria-labelledby="my-cohorts">
        <h2 id="my-cohorts">{t("myCohorts")}</h2>
        {cohorts.length === 0 ? <p className="muted">{t("noCohorts")}</p> : null}
        <ul className="cohort-list" data-testid="cohort-list">
          {cohorts.map((c) => (
            <li key={c.id}>
              <Link href={`/dashboard/${c.id}`} className="cohort-list-link">
                <strong>{c.name}</strong>
                <span className={`cohort-state cohort-state-${c.state}`}>{t("state", { state: c.state })}</span>
                <span className="muted">
                  {c.startsAt && c.endsAt ? <LocalDateRange from={c.startsAt} to={c.endsAt} options={{ dateStyle: "medium" }} /> : null}
                </span>
                <span className="muted">{t("learnerCount", { count: c.learners })}</span>
                {!c.mine ? <span className="muted">{t("taughtBy", { name: c.instructorName })}</span> : null}
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <CreateCohortForm lessons={lessons} />
    </div>
  );
}
