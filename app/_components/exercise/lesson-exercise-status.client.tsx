"use client";
// The lesson's line about its exercises ("2 of 3 exercises done", "All exercises done"), and
// the one place that opens live checking for the page.
import { useLocale, useTranslations } from "next-intl";
import { cardOf, isDone, useLessonState } from "./exercise-store";
import { useLiveChecks } from "./use-live-checks";
import "./exercise.css";

export function LessonExerciseStatus({ lessonId, exerciseIds }: { lessonId: string; exerciseIds: string[] }) {
  const t = useTranslations("Exercise");
  // A lesson shown in the other language (fallback) still speaks the page's language here.
  const locale = useLocale();
  useLiveChecks(lessonId);
  const lesson = useLessonState(lessonId);
  const done = exerciseIds.filter((id) => isDone(cardOf(lesson, id))).length;
  const all = done === exerciseIds.length;
  return (
    <p className={`lesson-exercise-status${all ? " lesson-exercise-status-done" : ""}`} role="status" lang={locale} data-testid="lesson-exercise-status" data-all-done={all ? "true" : "false"}>
      {all ? <span aria-hidden="true">✓ </span> : null}
      {all ? t("allDone") : t("progress", { done, total: exerciseIds.length })}
    </p>
  );
}
