"use client";
// The learner's own progress on the catalog: how many exercises of each lesson they have
// passed, and a way back to the lesson they were on. The catalog is prerendered for everyone,
// so this is asked for from the browser, once per catalog render for all cards.
// "Where you left off" is the later of two things: the last lesson opened in this browser
// (remembered by <RememberLesson> on the lesson page; it works before any account or lab)
// and the lesson of the learner's latest Check (from the server; it follows an account to
// another browser).
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Link } from "@/app/_lib/i18n/navigation";
import { catalogProgressAction } from "@/app/_lib/lessons/catalog-actions";
import type { CatalogProgress } from "@/app/_lib/data/catalog-progress";
import { dataOf } from "@/app/_lib/actions/result";

const LAST_LESSON_KEY = "kubelab:last-lesson";
const FRESH_MS = 3000;
const EMPTY: CatalogProgress = { lessons: [], last: null };
let asked: { at: number; answer: Promise<CatalogProgress> } | undefined;

function catalogProgress(): Promise<CatalogProgress> {
  if (!asked || Date.now() - asked.at > FRESH_MS) {
    asked = { at: Date.now(), answer: catalogProgressAction().then(dataOf).catch(() => EMPTY) };
  }
  return asked.answer;
}

function useCatalogProgress(): CatalogProgress | null {
  const [progress, setProgress] = useState<CatalogProgress | null>(null);
  useEffect(() => {
    let live = true;
    void catalogProgress().then((p) => live && setProgress(p));
    return () => {
      live = false;
    };
  }, []);
  return progress;
}

/** On a lesson page: remember it as the lesson this browser was last on. */
export function RememberLesson({ lessonId }: { lessonId: string }) {
  useEffect(() => {
    try {
      localStorage.setItem(LAST_LESSON_KEY, JSON.stringify({ lessonId, at: new Date().toISOString() }));
    } catch {
      // Storage may be disabled; the server's record still works for accounts.
    }
  }, [lessonId]);
  return null;
}

function visitedHere(): { lessonId: string; at: string } | null {
  try {
    const raw = localStorage.getItem(LAST_LESSON_KEY);
    const parsed = raw ? (JSON.parse(raw) as { lessonId?: unknown; at?: unknown }) : null;
    return parsed && typeof parsed.lessonId === "string" && typeof parsed.at === "string" ? { lessonId: parsed.lessonId, at: parsed.at } : null;
  } catch {
    return null;
  }
}

export function LessonProgressBadge({ lessonId }: { lessonId: string }) {
  const t = useTranslations("CatalogProgress");
  const progress = useCatalogProgress();
  const mine = progress?.lessons.find((l) => l.lessonId === lessonId);
  if (!mine) return null;
  if (mine.passed >= mine.total) {
    return (
      <span className="badge lesson-progress lesson-progress-done" data-testid="lesson-done-mark" data-passed={mine.passed} data-total={mine.total}>
        <span aria-hidden="true">✓ </span>
        {t("done")}
      </span>
    );
  }
  return (
    <span className="badge lesson-progress" data-testid="lesson-progress" data-passed={mine.passed} data-total={mine.total}>
      {t("partial", { passed: mine.passed, total: mine.total })}
    </span>
  );
}

export interface ContinueCandidate {
  id: string;
  order: number;
  title: string;
}

export function ContinueLesson({ lessons }: { lessons: ContinueCandidate[] }) {
  const t = useTranslations("CatalogProgress");
  const progress = useCatalogProgress();
  const [here, setHere] = useState<{ lessonId: string; at: string } | null>(null);
  useEffect(() => setHere(visitedHere()), []);
  const server = progress?.last ?? null;
  const latest = [here, server].filter((x): x is { lessonId: string; at: string } => x !== null).sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];
  const lesson = latest ? lessons.find((l) => l.id === latest.lessonId) : undefined;
  if (!lesson) return null;
  return (
    <p className="continue-lesson" data-testid="continue-lesson" data-lesson-id={lesson.id}>
      <Link href={`/lessons/${lesson.id}`} className="continue-lesson-link">
        <span className="continue-lesson-label">{t("continue")}</span>
        <span className="continue-lesson-title">{t("continueLesson", { order: lesson.order, title: lesson.title })}</span>
      </Link>
    </p>
  );
}
