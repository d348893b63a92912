"use client";
// An instructor's look at one learner's cluster, from the cohort's learner panel: a toggle
// and, while open, the same live picture the learner has beside their lesson, read-only.
// Who may look is decided by the server (app/_lib/data/cluster-picture.ts).
import { useTranslations } from "next-intl";
import { useState } from "react";
import { ClusterPictureView } from "./cluster-picture.client";
import { useClusterPicture } from "./use-cluster-picture";

export function LearnerPicture({ cohortId, learnerId }: { cohortId: string; learnerId: string }) {
  const t = useTranslations("ClusterPicture");
  const [open, setOpen] = useState(false);
  const id = `learner-picture-${learnerId}`;
  return (
    <div className="learner-picture">
      <button type="button" className="cohort-button" data-testid="learner-picture-toggle" aria-expanded={open} aria-controls={open ? id : undefined} onClick={() => setOpen(!open)}>
        {t("learnerOpen")}
      </button>
      {open ? <Opened id={id} cohortId={cohortId} learnerId={learnerId} /> : null}
    </div>
  );
}

function Opened({ id, cohortId, learnerId }: { id: string; cohortId: string; learnerId: string }) {
  const t = useTranslations("ClusterPicture");
  const state = useClusterPicture(`/api/lab/picture?${new URLSearchParams({ cohort: cohortId, learner: learnerId })}`);
  return <ClusterPictureView id={id} state={state} title={t("learnerTitle")} readOnly />;
}
