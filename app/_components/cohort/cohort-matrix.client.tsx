"use client";
// The learners × exercises matrix, live. The server renders a snapshot; the event stream
// then brings each recorded attempt, laid over the snapshot without a reload. When the
// stream (re)connects, or the roster changes, the page refreshes its snapshot in place, so
// nothing recorded while disconnected is missed.
import { useFormatter, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { followEventStream } from "@/app/_components/sse/follow-event-stream";
import type { CohortMatrix, MatrixCell } from "@/app/_lib/data/cohort-progress";
import { cellKey, type ProgressFrame, progressFrameSchema } from "@/app/_lib/data/cohort-schemas";
import { cellState, learnerAttention } from "./attention";
import { LearnerDetailPanel } from "./learner-detail.client";
import "./cohort.css";

type StreamState = "connecting" | "live" | "lost";

/** The newer of the snapshot and the last live frame; attempts only grow. */
function merged(base: MatrixCell | undefined, frame: ProgressFrame | undefined): MatrixCell | undefined {
  if (!frame || (base && base.attempts > frame.attempts)) return base;
  return { attempts: frame.attempts, firstPassedAt: frame.firstPassedAt ?? base?.firstPassedAt ?? null, lastAttemptAt: frame.at };
}

export function CohortMatrixView({ matrix, renderedAt }: { matrix: CohortMatrix; renderedAt: string }) {
  const t = useTranslations("Dashboard.matrix");
  const format = useFormatter();
  const router = useRouter();
  const [live, setLive] = useState<Record<string, ProgressFrame>>({});
  const [stream, setStream] = useState<StreamState>("connecting");
  const [now, setNow] = useState(() => Date.parse(renderedAt));
  const [selected, setSelected] = useState<string | null>(null);

  useEffect(() => {
    // After a reconnect (a server restart mid-class) the server says "ready" again, and the
    // refresh picks up whatever was recorded while the stream was down.
    return followEventStream(`/api/cohorts/${matrix.cohortId}/events`, {
      events: {
        ready: () => {
          setStream("live");
          router.refresh();
        },
        progress: (data) => {
          const frame = progressFrameSchema.safeParse(data);
          if (!frame.success) return;
          setLive((prev) => ({ ...prev, [cellKey(frame.data.userId, frame.data.lessonId, frame.data.exerciseId)]: frame.data }));
        },
        roster: () => router.refresh(),
      },
      onInterrupted: () => setStream("connecting"),
      onClosed: () => setStream("lost"),
    });
  }, [matrix.cohortId, router]);

  useEffect(() => {
    setNow(Date.now());
    const tick = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(tick);
  }, []);

  const exercises = useMemo(() => matrix.lessons.flatMap((l) => l.exercises.map((e) => ({ lessonId: l.id, exerciseId: e.id, title: e.title }))), [matrix.lessons]);
  const cellOf = (userId: string, lessonId: string, exerciseId: string) => {
    const key = cellKey(userId, lessonId, exerciseId);
    return merged(matrix.cells[key], live[key]);
  };
  const rows = matrix.learners.map((learner) => {
    const cells = exercises.map((e) => cellOf(learner.userId, e.lessonId, e.exerciseId));
    const lastLive = Object.values(live)
      .filter((f) => f.userId === learner.userId)
      .reduce<string | null>((latest, f) => (!latest || f.at > latest ? f.at : latest), null);
    const lastActivityAt = [learner.lastActivityAt, lastLive].filter((x): x is string => !!x).sort().at(-1) ?? null;
    return { learner, cells, lastActivityAt, attention: learnerAttention(cells, lastActivityAt, matrix.state === "open", now) };
  });
  const needHelp = rows.filter((r) => r.attention.needsHelp).length;
  const liveFramesFor = (userId: string) => Object.values(live).filter((f) => f.userId === userId).length;
  const exerciseTitles = Object.fromEntries(exercises.map((e) => [`${e.lessonId}/${e.exerciseId}`, e.title]));

  return (
    <section className="cohort-matrix-section" aria-labelledby="matrix-heading">
      <div className="cohort-matrix-top">
        <h2 id="matrix-heading">{t("title")}</h2>
        <span className={`cohort-stream cohort-stream-${stream}`} data-testid="stream-state" data-state={stream} role="status">
          {t(`stream.${stream}`)}
        </span>
        <span className="muted">{t("summary", { learners: rows.length, needHelp })}</span>
      </div>
      {exercises.length === 0 ? <p className="muted">{t("noExercises")}</p> : null}
      {rows.length === 0 ? <p className="muted">{t("noLearners")}</p> : null}
      {exercises.length > 0 && rows.length > 0 ? (
        <div className="cohort-matrix-scroll">
          <table className="cohort-matrix" data-testid="matrix">
            <thead>
              <tr>
                <th rowSpan={2} scope="col">
                  {t("learner")}
                </th>
                {matrix.lessons.map((lesson) => (
                  <th key={lesson.id} colSpan={lesson.exercises.length} scope="colgroup" className="cohort-lesson-head">
                    {lesson.title}
                  </th>
                ))}
                <th rowSpan={2} scope="col">
                  {t("passed")}
                </th>
                <th rowSpan={2} scope="col">
                  {t("lastActivity")}
                </th>
              </tr>
              <tr>
                {exercises.map((e) => (
                  <th key={`${e.lessonId}/${e.exerciseId}`} scope="col" className="cohort-exercise-head" title={`${e.lessonId}/${e.exerciseId}`}>
                    {e.title}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map(({ learner, cells, lastActivityAt, attention }) => (
                <tr key={learner.userId} className={attention.needsHelp ? "needs-help" : undefined} data-testid="learner-row" data-user={learner.userId} data-needs-help={attention.needsHelp}>
                  <th scope="row">
                    <button type="button" className="cohort-learner-button" onClick={() => setSelected(learner.userId)} aria-expanded={selected === learner.userId} data-testid="learner-open">
                      {learner.name}
                    </button>
                    {attention.stuck > 0 ? <span className="cohort-flag stuck">{t("stuckFlag")}</span> : null}
                    {attention.quietMinutes !== null ? <span className="cohort-flag quiet">{t("quietFlag", { minutes: attention.quietMinutes })}</span> : null}
                  </th>
                  {cells.map((cell, i) => {
                    const e = exercises[i]!;
                    const state = cellState(cell);
                    return (
                      <td key={`${e.lessonId}/${e.exerciseId}`} className={`cohort-cell ${state}`} data-testid="cell" data-exercise={`${e.lessonId}/${e.exerciseId}`} data-state={state} data-attempts={cell?.attempts ?? 0}>
                        {state === "passed" ? (
                          <span title={t("passedAt", { at: format.dateTime(new Date(cell!.firstPassedAt!), { dateStyle: "medium", timeStyle: "short" }) })}>
                            ✓ {format.dateTime(new Date(cell!.firstPassedAt!), { hour: "2-digit", minute: "2-digit" })}
                          </span>
                        ) : state === "not-started" ? (
                          <span aria-label={t("notStarted")}>·</span>
                        ) : (
                          <span>{t("attempts", { count: cell!.attempts })}</span>
                        )}
                      </td>
                    );
                  })}
                  <td className="cohort-count">
                    {attention.passed}/{exercises.length}
                  </td>
                  <td className="muted">{lastActivityAt ? format.relativeTime(new Date(lastActivityAt), now) : t("never")}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t("passedPerExercise")}</th>
                {exercises.map((e, i) => {
                  const passed = rows.filter((r) => cellState(r.cells[i]) === "passed").length;
                  const stuck = rows.filter((r) => cellState(r.cells[i]) === "stuck").length;
                  return (
                    <td key={`${e.lessonId}/${e.exerciseId}`} className="cohort-count" data-testid="exercise-summary" data-exercise={`${e.lessonId}/${e.exerciseId}`} data-passed={passed}>
                      {passed}/{rows.length}
                      {stuck > 0 ? <span className="cohort-flag stuck">{t("stuckCount", { count: stuck })}</span> : null}
                    </td>
                  );
                })}
                <td colSpan={2} />
              </tr>
            </tfoot>
          </table>
        </div>
      ) : null}
      <p className="muted cohort-legend">{t("legend")}</p>
      {selected && matrix.learners.some((l) => l.userId === selected) ? (
        <LearnerDetailPanel
          key={selected}
          cohortId={matrix.cohortId}
          userId={selected}
          exerciseTitles={exerciseTitles}
          version={liveFramesFor(selected)}
          onClose={() => setSelected(null)}
          onRemoved={() => {
            setSelected(null);
            router.refresh();
          }}
        />
      ) : null}
    </section>
  );
}
