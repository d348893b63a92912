"use client";
// The lesson and the lab side by side, with a divider the learner can drag (or move with the
// arrow keys). The lab's share of the width is remembered in localStorage, so every lesson
// opens the way the learner left the last one.
// Below 960 px (phones, narrow windows) there is no room beside the lesson: the lab becomes a
// drawer at the bottom of the screen, a bar that is always in reach and opens over the
// lesson. A Run button opens it, so the learner sees the command land in the terminal
// instead of typing into one far below (issue 13, item 6).
import { useTranslations } from "next-intl";
import { type CSSProperties, type KeyboardEvent, type PointerEvent, type ReactNode, useEffect, useRef, useState } from "react";
import { OPEN_LAB_EVENT, RUN_EVENT } from "./lab/lab-bus";

const STORAGE_KEY = "kubelab:lab-width";
const MIN = 25;
const MAX = 70;
const DEFAULT = 42;
const STEP = 2;
/** Where the CSS turns the lab column into a drawer (app/globals.css). */
const NARROW_QUERY = "(max-width: 960px)";

const clamp = (n: number) => Math.min(MAX, Math.max(MIN, Math.round(n * 10) / 10));

export function LessonSplit({ lesson, lab }: { lesson: ReactNode; lab: ReactNode }) {
  const t = useTranslations("Lesson");
  const layoutRef = useRef<HTMLDivElement>(null);
  const [labPercent, setLabPercent] = useState<number | null>(null);
  const [dragging, setDragging] = useState(false);
  // Only matters below 960 px, where the CSS makes the lab a drawer.
  const [drawerOpen, setDrawerOpen] = useState(false);

  const [narrow, setNarrow] = useState(false);
  useEffect(() => {
    const query = window.matchMedia(NARROW_QUERY);
    const update = () => setNarrow(query.matches);
    update();
    query.addEventListener("change", update);
    return () => query.removeEventListener("change", update);
  }, []);

  useEffect(() => {
    const open = () => setDrawerOpen(true);
    window.addEventListener(RUN_EVENT, open);
    window.addEventListener(OPEN_LAB_EVENT, open);
    return () => {
      window.removeEventListener(RUN_EVENT, open);
      window.removeEventListener(OPEN_LAB_EVENT, open);
    };
  }, []);

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
      <div className="lab-drawer" data-open={drawerOpen} data-testid="lab-drawer">
        <button type="button" className="lab-drawer-toggle" aria-controls="lab-column" aria-expanded={drawerOpen} onClick={() => setDrawerOpen((o) => !o)} data-testid="lab-drawer-toggle">
          <span aria-hidden="true" className="lab-drawer-chevron">
            {drawerOpen ? "▾" : "▴"}
          </span>
          {drawerOpen ? t("hideLab") : t("showLab")}
        </button>
        <div className="lab-drawer-body" inert={narrow && !drawerOpen}>
          {lab}
        </div>
      </div>
    </div>
  );
}
