"use client";
// The exercise card in the browser: task, Check button, results and hints.
import { useTranslations } from "next-intl";

type Bilingual = { ko: string; en: string };

export interface ExerciseCardSpec {
  id: string;
  title: Bilingual;
  task: Bilingual;
  checks: { id: string; title: Bilingual }[];
}

export function ExerciseCard({ lessonId, spec, locale }: { lessonId: string; spec: ExerciseCardSpec; locale: "ko" | "en" }) {
  const t = useTranslations("Exercise");
  return (
    <section className="exercise" data-testid="exercise" data-lesson-id={lessonId} data-exercise-id={spec.id} aria-labelledby={`exercise-${spec.id}-title`}>
      <header className="exercise-header">
        <p className="exercise-kicker">{t("kicker")}</p>
        <h3 id={`exercise-${spec.id}-title`}>{spec.title[locale]}</h3>
      </header>
      <p className="exercise-task">{spec.task[locale]}</p>
      <ul className="exercise-checks">
        {spec.checks.map((c) => (
          <li key={c.id}>{c.title[locale]}</li>
        ))}
      </ul>
    </section>
  );
}
