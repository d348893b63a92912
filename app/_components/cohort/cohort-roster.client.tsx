"use client";
// Learners the instructor removed, with a way back in. A removed learner cannot rejoin
// through any invite link on their own; only this re-admits them.
import { useFormatter, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { readmitLearnerAction } from "@/app/_lib/cohort/actions";

export function CohortRoster({ cohortId, removed }: { cohortId: string; removed: { userId: string; name: string; email: string | null; removedAt: string }[] }) {
  const t = useTranslations("Dashboard.roster");
  const format = useFormatter();
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  if (removed.length === 0) return null;
  const readmit = (userId: string) =>
    startTransition(async () => {
      await readmitLearnerAction({ cohortId, learnerId: userId });
      router.refresh();
    });
  return (
    <section className="cohort-roster" aria-labelledby="removed-heading">
      <h2 id="removed-heading">{t("removed")}</h2>
      <ul>
        {removed.map((r) => (
          <li key={r.userId} data-testid="removed-learner">
            {r.name} <span className="muted">{r.email}</span> <span className="muted">{t("removedAt", { at: format.dateTime(new Date(r.removedAt), { dateStyle: "medium", timeStyle: "short" }) })}</span>{" "}
            <button type="button" className="cohort-button" disabled={pending} onClick={() => readmit(r.userId)}>
              {t("readmit")}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
