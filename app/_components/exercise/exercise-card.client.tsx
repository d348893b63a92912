"use client";
// The exercise card in the browser: task, Check button, one row per check with its result
// in the page's language, hints one at a time, and the done state. State lives in the
// lesson's exercise store, shared with live checking and the lesson's status line.
import { useFormatter, useTranslations } from "next-intl";
import { useLabReady } from "@/app/_components/lab/lab-bus";
import { type Bilingual, type CheckResult, valueIn } from "@/sandbox/grader/results";
import { cardOf, checkExercise, isDone, showNextHint, useLessonState } from "./exercise-store";
import { BlockText, InlineText } from "./inline-text";
import "./exercise.css";

type Locale = "ko" | "en";

export interface ExerciseCardSpec {
  id: string;
  title: Bilingual;
  task: Bilingual;
  checks: { id: string; title: Bilingual }[];
}

type RowStatus = CheckResult["status"] | "pending";

const ICONS: Record<RowStatus, string> = { pass: "✓", fail: "✗", error: "!", pending: "○" };

export function ExerciseCard({ lessonId, spec, locale }: { lessonId: string; spec: ExerciseCardSpec; locale: Locale }) {
  const t = useTranslations("Exercise");
  const format = useFormatter();
  const labReady = useLabReady();
  const lesson = useLessonState(lessonId);
  const card = cardOf(lesson, spec.id);
  const { results } = card;
  const done = isDone(card);
  const unreadable = results?.outcome === "error" && results.error !== undefined;
  // Until the learner has attempted the exercise, live fails are "not checked yet", not a verdict.
  const attempted = card.checkedHere || card.progress.attempts > 0;
  const rows = spec.checks.map((check) => {
    const result = unreadable ? undefined : results?.checks.find((r) => r.id === check.id);
    const status: RowStatus = !result || (result.status !== "pass" && !attempted) ? "pending" : result.status;
    return { check, result, status };
  });
  const outcome = !results ? "none" : unreadable ? "error" : rows.some((r) => r.status === "pending") ? "none" : results.outcome;
  const failing = rows.filter((r) => r.result && r.status !== "pass" && r.status !== "pending");
  const hints = failing.slice(0, card.hints);
  const titleId = `exercise-${spec.id}-title`;

  return (
    <section
      className={`exercise${done ? " exercise-done" : ""}`}
      lang={locale}
      data-testid="exercise"
      data-exercise-id={spec.id}
      data-outcome={outcome}
      data-done={done ? "true" : "false"}
      data-checking={card.checking ? "true" : "false"}
      data-attempts={card.progress.attempts}
      aria-labelledby={titleId}
    >
      <header className="exercise-header">
        <p className="exercise-kicker">{t("kicker")}</p>
        <h3 id={titleId}>{spec.title[locale]}</h3>
        {done ? (
          <p className="exercise-done-badge" data-testid="exercise-done">
            <span aria-hidden="true">✓ </span>
            {t("done", { time: format.dateTime(new Date(card.progress.firstPassedAt!), { dateStyle: "medium", timeStyle: "short" }) })}
          </p>
        ) : null}
      </header>
      <BlockText className="exercise-task" text={spec.task[locale]} />

      <div className="exercise-actions">
        <span className="exercise-check-wrap" title={labReady ? undefined : t("needsLab")}>
          <button
            type="button"
            className="button button-primary"
            data-testid="exercise-check"
            disabled={!labReady || card.checking}
            aria-describedby={labReady ? undefined : `exercise-${spec.id}-needs-lab`}
            onClick={() => void checkExercise(lessonId, spec.id)}
          >
            {card.checking ? t("checking") : t("check")}
          </button>
        </span>
        {!labReady ? (
          <span className="muted exercise-needs-lab" id={`exercise-${spec.id}-needs-lab`}>
            {t("needsLab")}
          </span>
        ) : lesson.live === "watching" ? (
          <span className="muted exercise-live" data-testid="exercise-live">
            <span aria-hidden="true">● </span>
            {t("live")}
          </span>
        ) : lesson.live === "preparing" || lesson.live === "unprepared" ? (
          <span className="muted exercise-live" data-testid="exercise-live" data-live={lesson.live}>
            {lesson.live === "preparing" ? <span className="spinner" aria-hidden="true" /> : null} {t(lesson.live)}
          </span>
        ) : lesson.liveRefused ? (
          <span className="muted exercise-live-refused" data-testid="exercise-live-refused" data-reason={lesson.liveRefused}>
            {t(`liveRefused.${lesson.liveRefused}`)}
          </span>
        ) : null}
        {card.progress.attempts > 0 ? <span className="muted">{t("attempts", { count: card.progress.attempts })}</span> : null}
      </div>

      <div aria-live="polite" aria-atomic="false" className="exercise-results">
        {card.failure ? (
          <p className="exercise-problem" role="alert" data-testid="exercise-failure">
            {card.failure === "no-lab"
              ? t("noLab")
              : card.failure === "too-often"
                ? t("tooOften", { seconds: card.retryAfterSeconds ?? 1 })
                : card.failure === "not-saved"
                  ? t("notSaved")
                  : t("unreachable")}
          </p>
        ) : null}
        {outcome === "error" ? (
          <div className="exercise-problem" role="alert" data-testid="exercise-unreadable">
            <p>
              <strong>{t("unreadable")}</strong> {results?.error?.[locale]}
            </p>
            <button type="button" className="button" onClick={() => void checkExercise(lessonId, spec.id)} disabled={!labReady || card.checking}>
              {t("retry")}
            </button>
          </div>
        ) : null}
        <ul className="exercise-checks" aria-label={t("checksLabel")}>
          {rows.map(({ check, result, status }) => (
            <li key={check.id} className={`exercise-check exercise-check-${status}`} data-testid="exercise-check-row" data-check-id={check.id} data-status={status}>
              <span className="exercise-check-icon" aria-hidden="true">
                {ICONS[status]}
              </span>
              <span className="visually-hidden">{t(`status.${status}`)}: </span>
              <span className="exercise-check-title">
                <InlineText text={(result?.title ?? check.title)[locale]} />
              </span>
              {result && status !== "pending" ? (
                <span className="exercise-check-message" data-testid="exercise-check-message">
                  <InlineText text={result.message[locale]} />
                  {status !== "pass" && (result.expected !== undefined || result.found !== undefined) ? (
                    <span className="exercise-check-values">
                      {result.expected !== undefined ? (
                        <span data-testid="exercise-check-expected">
                          {t("expected")} <InlineText text={valueIn(result.expected, locale)} />
                        </span>
                      ) : null}
                      {result.found !== undefined ? (
                        <span data-testid="exercise-check-found">
                          {t("found")} <InlineText text={valueIn(result.found, locale)} />
                        </span>
                      ) : null}
                    </span>
                  ) : null}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
        {hints.length > 0 ? (
          <ol className="exercise-hints" aria-label={t("hintsLabel")}>
            {hints.map(({ check, result }) => (
              <li key={check.id} data-testid="exercise-hint">
                <span className="exercise-hint-for">
                  <InlineText text={check.title[locale]} />
                </span>{" "}
                <InlineText text={result!.hint[locale]} />
              </li>
            ))}
          </ol>
        ) : null}
        {failing.length > card.hints ? (
          <button type="button" className="button exercise-hint-button" data-testid="exercise-show-hint" onClick={() => showNextHint(lessonId, spec.id)}>
            {card.hints === 0 ? t("showHint") : t("showNextHint")}
          </button>
        ) : null}
      </div>
    </section>
  );
}
