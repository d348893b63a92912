"use client";
// "Start this lesson from a clean cluster", beside Reset: for a learner whose cluster holds
// what earlier lessons (or their own experiments) left. The panel asks first (ConfirmDialog,
// with this namespace's words), then resets the cluster and prepares the open lesson's
// exercises (resetMyLabForLesson).
import { useParams } from "next/navigation";
import { useTranslations } from "next-intl";

/** The lesson open in the lessons layout, if any (the layout also wraps pages without one). */
export function useOpenLessonId(): string | null {
  const params = useParams<{ lessonId?: string }>();
  return typeof params?.lessonId === "string" ? params.lessonId : null;
}

export function LessonResetButton({ disabled, expanded, onAsk }: { disabled: boolean; expanded: boolean; onAsk(): void }) {
  const t = useTranslations("LabLessonReset");
  return (
    <button type="button" className="button" data-testid="lab-reset-lesson" title={t("buttonHint")} onClick={onAsk} disabled={disabled} aria-expanded={expanded}>
      {t("button")}
    </button>
  );
}
