"use client";
// A lab of the other profile than the open lesson needs: a simulated node where the lesson
// runs real pods (its commands would not do what it says), or real pods where the lesson was
// written for the light simulated lab. The panel says which, says what switching costs (the
// lab stops with its cluster and home directory), and switches only when the learner asks.
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { lessonLabAction } from "@/app/_lib/lab/actions";
import { dataOf } from "@/app/_lib/actions/result";
import type { LessonLabNeed } from "@/app/_lib/data/labs";
import type { LabView } from "@/sandbox/manager/view";

/** What the open lesson needs of the lab; null until the server answered, or with no lesson open. */
export function useLessonLabNeed(lessonId: string | null): LessonLabNeed | null {
  const [need, setNeed] = useState<{ lessonId: string; need: LessonLabNeed } | null>(null);
  useEffect(() => {
    if (!lessonId) return;
    let current = true;
    lessonLabAction({ lessonId }).then(
      (answer) => current && setNeed({ lessonId, need: dataOf(answer) }),
      // Not knowing only means no offer to switch; Start still asks for the right profile.
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [lessonId]);
  return need && need.lessonId === lessonId ? need.need : null;
}

/** The lab's profile differs from the lesson's: which way, or null when they agree (or nothing is known yet). */
export function profileMismatch(view: LabView, need: LessonLabNeed | null): "needs-node" | "needs-sim" | null {
  if (!need || view.state !== "ready") return null;
  const have = view.profile ?? "sim";
  if (have === need.profile) return null;
  return need.profile === "node" ? "needs-node" : "needs-sim";
}

/** The setting that would make the server offer a profile it refuses, by the refusal's code (which depends on where labs run). */
export function settingFor(refusal: LessonLabNeed["refusal"]): string {
  if (refusal === "node-needs-runtime-class") return "KUBELAB_K8S_NODE_RUNTIME_CLASS";
  if (refusal === "local-sim-only") return "KUBELAB_PROVIDER=docker";
  return "KUBELAB_NODE_LABS=unsafe-sys-admin";
}

export function ProfileSwitch({ mismatch, offered, refusal, pending, onSwitch }: {
  mismatch: "needs-node" | "needs-sim";
  offered: boolean;
  refusal?: LessonLabNeed["refusal"];
  pending: boolean;
  onSwitch(): void;
}) {
  const t = useTranslations("LabProfileSwitch");
  return (
    <div className="lab-profile-switch" role="region" aria-labelledby="lab-profile-switch-title" data-testid="lab-profile-switch" data-mismatch={mismatch}>
      <p className="lab-card-title" id="lab-profile-switch-title">
        {t(`${mismatch}.title`)}
      </p>
      <p>{t(`${mismatch}.body`)}</p>
      {offered ? (
        <>
          <p className="muted">{t("loses")}</p>
          <button type="button" className="button button-primary" data-testid="lab-profile-switch-button" onClick={onSwitch} disabled={pending}>
            {pending ? t("pending") : t(`${mismatch}.button`)}
          </button>
        </>
      ) : (
        <p className="lab-error" role="alert">
          {t("notOffered", { setting: settingFor(refusal) })}
        </p>
      )}
    </div>
  );
}
