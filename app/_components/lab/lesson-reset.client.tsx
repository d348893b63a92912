"use client";
// "Start this lesson from a clean cluster", beside Reset: for a learner whose cluster holds
// what earlier lessons (or their own experiments) left. It asks first, saying what goes, then
// resets the cluster and prepares the open lesson's exercises (resetMyLabForLesson).
import { useParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";

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

export function LessonResetConfirm({ onConfirm, onCancel }: { onConfirm(): void; onCancel(): void }) {
  const t = useTranslations("LabLessonReset");
  return (
    <div className="lab-confirm" role="alertdialog" aria-labelledby="lab-reset-lesson-title" aria-describedby="lab-reset-lesson-body" data-testid="lab-reset-lesson-dialog">
      <p id="lab-reset-lesson-title" className="lab-confirm-title">
        {t("title")}
      </p>
      <p id="lab-reset-lesson-body">{t("body")}</p>
      <div className="lab-confirm-actions">
        <button type="button" className="button button-danger" data-testid="lab-reset-lesson-confirm" onClick={onConfirm}>
          {t("confirm")}
        </button>
        <button type="button" className="button" onClick={onCancel} autoFocus>
          {t("cancel")}
        </button>
      </div>
    </div>
  );
}

/** Whether the confirmation is open; it closes when the lab stops being ready or the lesson changes. */
export function useLessonResetConfirm(ready: boolean, lessonId: string | null) {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!ready) setOpen(false);
  }, [ready]);
  useEffect(() => setOpen(false), [lessonId]);
  return [open, setOpen] as const;
}
