"use client";
// Joins the cohort behind an invite link, then lets the page show the result.
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { ActionError } from "@/app/_components/actions/action-messages";
import type { ActionFailure } from "@/app/_lib/actions/result";
import { joinCohortAction } from "@/app/_lib/cohort/actions";

export function JoinButton({ code }: { code: string }) {
  const t = useTranslations("Cohort.join");
  const router = useRouter();
  const [problem, setProblem] = useState<ActionFailure | null>(null);
  const [pending, startTransition] = useTransition();
  const join = () =>
    startTransition(async () => {
      const result = await joinCohortAction({ code });
      if (result.ok) router.refresh();
      else setProblem(result);
    });
  return (
    <div>
      <button type="button" className="cohort-button primary" onClick={join} disabled={pending} data-testid="join-cohort">
        {pending ? t("joining") : t("join")}
      </button>
      {problem ? <ActionError failure={problem} className="cohort-field-error" testId="join-problem" /> : null}
    </div>
  );
}
