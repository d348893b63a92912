"use client";
// The lesson and the lab side by side, with a divider the learner can drag (or move with the
// arrow keys). The lab's share of the width is remembered in localStorage, so every lesson
// opens the way the learner left the last one. Below 960 px the CSS stacks the two and hides
// the divider.
import { useTranslations } from "next-intl";
import { type CSSProperties, type KeyboardEvent, type PointerEvent, type ReactNode, useEffect, useRef, useState } from "react";

const STORAGE_KEY = "kubelab:lab-width";
const MIN = 25;
const MAX = 70;
const DEFAULT = 42;
const STEP = 2;

const clamp = (n: number) => Math.min(MAX, Math.max(MIN, Math.round(n * 10) / 10));

export function LessonSplit({ lesson, lab }: { lesson: ReactNode; lab: ReactNode }) {
  const t = useTranslations("Lesson");
  const layoutRef = useRef<HTMLDivElement>(null);
  const [labPercent, setLabPercent] = useState<number | null>(null);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    try {
      const saved = Number(window.localStorage.getItem(STORAGE_KEY));
      if (saved >= MIN && saved <= MAX) setLabPercent(saved);
    } catch {
      // Storage may be disabled; the default width is fine.
    }
  }, []);

  const commit = (percent: number) => {
    const value = clamp(percent);
    setLabPercent(value);
    try {
      window.localStorage.setItem(STORAGE_KEY, String(value));
    } catch {
      // as above
    }
  };

  const fromPointer = (clientX: number) => {
    const rect = layoutRef.current?.getBoundingClientRect();
    if (!rect || rect.width === 0) return;
    commit(((rect.right - clientX) / rect.width) * 100);
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    setDragging(true);
    e.preventDefault();
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (dragging) fromPointer(e.clientX);
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    if (!dragging) return;
    e.currentTarget.releasePointerCapture(e.pointerId);
    setDragging(false);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const current = labPercent ?? DEFAULT;
    const next = { ArrowLeft: current + STEP, ArrowRight: current - STEP, Home: MAX, End: MIN }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    commit(next);
  };

  const value = labPercent ?? DEFAULT;
  const style = labPercent === null ? undefined : ({ "--lab-width": `${labPercent}%` } as CSSProperties);
  return (
    <div ref={layoutRef} className={dragging ? "lesson-layout is-resizing" : "lesson-layout"} style={style}>
      {lesson}
      <div
        className="lesson-divider"
        role="separator"
        aria-orientation="vertical"
        aria-controls="lab-column"
        aria-label={t("resizeLab")}
        aria-valuemin={MIN}
        aria-valuemax={MAX}
        aria-valuenow={Math.round(value)}
        tabIndex={0}
        data-testid="lab-divider"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onKeyDown={onKeyDown}
        onDoubleClick={() => commit(DEFAULT)}
      />
      {lab}
    </div>
  );
}
