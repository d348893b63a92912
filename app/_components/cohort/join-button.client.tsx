"use client";
// Joins the cohort behind an invite link, then lets the page show the result.
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { joinCohortAction } from "@/app/_lib/cohort/actions";

export function JoinButton({ code }: { code: string }) {
  const t = useTranslations("Cohort.join");
  const router = useRouter();
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const join = () =>
    startTransition(async () => {
      const result = await joinCohortAction(code);
      if (!result.ok) setProblem(result.error === "sign-in" ? "sign-in" : "failed");
      else if (!result.value.ok) setProblem(result.value.reason);
      else router.refresh();
    });
  return (
    <div>
      <button type="button" className="cohort-button primary" onClick={join} disabled={pending} data-testid="join-cohort">
        {pending ? t("joining") : t("join")}
      </button>
      {problem ? (
        <p role="alert" className="cohort-field-error">
          {t.has(`problem.${problem}`) ? t(`problem.${problem}`) : t("problem.failed")}
        </p>
      ) : null}
    </div>
  );
}
