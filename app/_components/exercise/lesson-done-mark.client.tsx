"use client";
// A ✓ on a catalog card when the learner has done every exercise of that lesson. The catalog
// is prerendered for everyone, so the marks are asked for once from the browser.
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import "./exercise.css";
import { completedLessonsAction } from "@/app/_lib/grader/actions";

// Every card of one catalog render shares one answer; a catalog shown again later (back from
// a lesson) asks afresh, so a lesson just finished is marked.
const FRESH_MS = 3000;
let completed: { at: number; ids: Promise<Set<string>> } | undefined;

function completedLessons(): Promise<Set<string>> {
  if (!completed || Date.now() - completed.at > FRESH_MS) {
    completed = {
      at: Date.now(),
      ids: completedLessonsAction().then(
        (ids) => new Set(ids),
        () => new Set<string>(),
      ),
    };
  }
  return completed.ids;
}

export function LessonDoneMark({ lessonId }: { lessonId: string }) {
  const t = useTranslations("Exercise");
  const [done, setDone] = useState(false);
  useEffect(() => {
    let live = true;
    void completedLessons().then((ids) => live && setDone(ids.has(lessonId)));
    return () => {
      live = false;
    };
  }, [lessonId]);
  if (!done) return null;
  return (
    <span className="badge lesson-done-mark" data-testid="lesson-done-mark">
      <span aria-hidden="true">✓ </span>
      {t("lessonDone")}
    </span>
  );
}
