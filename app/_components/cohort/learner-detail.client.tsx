"use client";
// One learner, opened from the matrix: their lab (with a reset for a stuck one), their latest
// attempts with each check the grader reported, in the viewer's language, and removal from
// the cohort. It reloads when new progress of this learner arrives on the stream.
import { useFormatter, useLocale, useTranslations } from "next-intl";
import { useEffect, useState, useTransition } from "react";
import { learnerDetailAction, removeLearnerAction, resetLearnerLabAction } from "@/app/_lib/cohort/actions";
import type { LearnerDetail } from "@/app/_lib/data/cohort-progress";
import { LearnerPicture } from "@/app/_components/picture/learner-picture.client";
import { type Bilingual, valueIn } from "@/sandbox/grader/results";

type Lang = "ko" | "en";

/** A grader value in the viewer's language, without the `code` marks (this panel shows text). */
function shown(value: string | Bilingual, lang: Lang): string {
  return valueIn(value, lang).replace(/`/g, "");
}

export function LearnerDetailPanel(props: {
  cohortId: string;
  userId: string;
  exerciseTitles: Record<string, string>;
  /** Changes whenever new progress of this learner arrives, to reload. */
  version: number;
  onClose(): void;
  onRemoved(): void;
}) {
  const { cohortId, userId, version } = props;
  const t = useTranslations("Dashboard.learner");
  const format = useFormatter();
  const lang = useLocale() as Lang;
  const [detail, setDetail] = useState<LearnerDetail | null>(null);
  const [failed, setFailed] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [pending, startTransition] = useTransition();

  useEffect(() => {
    let current = true;
    void learnerDetailAction({ cohortId, learnerId: userId }).then((result) => {
      if (!current) return;
      if (result.ok) setDetail(result.data);
      else setFailed(true);
    });
    return () => {
      current = false;
    };
  }, [cohortId, userId, version]);

  const reset = () =>
    startTransition(async () => {
      const result = await resetLearnerLabAction({ cohortId, learnerId: userId });
      if (result.ok) setDetail((d) => (d ? { ...d, lab: result.data } : d));
      else setFailed(true);
    });

  const remove = () =>
    startTransition(async () => {
      const result = await removeLearnerAction({ cohortId, learnerId: userId });
      if (result.ok) props.onRemoved();
      else setFailed(true);
    });

  return (
    <aside className="cohort-detail" aria-labelledby="learner-heading" data-testid="learner-detail">
      <div className="cohort-detail-head">
        <h3 id="learner-heading">{detail ? detail.name : t("loading")}</h3>
        <button type="button" className="cohort-button" onClick={props.onClose} aria-label={t("close")}>
          ✕
        </button>
      </div>
      {failed ? <p role="alert">{t("failed")}</p> : null}
      {detail ? (
        <>
          <p className="muted">
            {detail.email} · {t("joined", { at: format.dateTime(new Date(detail.joinedAt), { dateStyle: "medium" }) })}
          </p>
          <div className="cohort-lab-row">
            <span>{t("lab")}</span>
            <span className={`cohort-lab-state ${detail.lab.state}`} data-testid="learner-lab-state" data-state={detail.lab.state}>
              {t(`labState.${detail.lab.state}`)}
            </span>
            {detail.lab.lastActivityAt ? <span className="muted">{t("labActivity", { at: format.relativeTime(new Date(detail.lab.lastActivityAt)) })}</span> : null}
            <button type="button" className="cohort-button" onClick={reset} disabled={pending || (detail.lab.state !== "running" && detail.lab.state !== "idle")} data-testid="learner-lab-reset">
              {t("resetLab")}
            </button>
          </div>
          <LearnerPicture cohortId={cohortId} learnerId={userId} />
          <h4>{t("attempts")}</h4>
          {detail.attempts.length === 0 ? <p className="muted">{t("noAttempts")}</p> : null}
          <ol className="cohort-attempts">
            {detail.attempts.map((a) => (
              <li key={a.id} className={`cohort-attempt ${a.outcome}`} data-testid="learner-attempt" data-outcome={a.outcome}>
                <div className="cohort-attempt-head">
                  <strong>{props.exerciseTitles[`${a.lessonId}/${a.exerciseId}`] ?? `${a.lessonId}/${a.exerciseId}`}</strong>
                  <span className={`cohort-outcome ${a.outcome}`}>{t("outcome", { outcome: a.outcome })}</span>
                  <span className="muted">{format.dateTime(new Date(a.at), { dateStyle: "short", timeStyle: "medium" })}</span>
                </div>
                {a.results === null ? <p className="muted">{t("unreadable")}</p> : null}
                {a.results?.error ? <p role="note">{a.results.error[lang]}</p> : null}
                {a.results ? (
                  <ul className="cohort-checks">
                    {a.results.checks.map((c) => (
                      <li key={c.id} className={`cohort-check-result ${c.status}`}>
                        <span aria-hidden="true">{c.status === "pass" ? "✓" : c.status === "fail" ? "✗" : "!"}</span> <strong>{c.title[lang]}</strong>
                        {c.message ? <span> — {c.message[lang].replace(/`/g, "")}</span> : null}
                        {c.status !== "pass" && (c.expected !== undefined || c.found !== undefined) ? (
                          <span className="muted">
                            {" "}
                            ({t("expectedFound", { expected: shown(c.expected ?? "—", lang), found: shown(c.found ?? "—", lang) })})
                          </span>
                        ) : null}
                        {c.status !== "pass" && c.hint ? <div className="muted">{t("hint", { hint: c.hint[lang] })}</div> : null}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ol>
          <div className="cohort-remove">
            {confirmRemove ? (
              <>
                <span>{t("removeConfirmText")}</span>
                <button type="button" className="cohort-button danger" onClick={remove} disabled={pending} data-testid="learner-remove-confirm">
                  {t("removeConfirm")}
                </button>
                <button type="button" className="cohort-button" onClick={() => setConfirmRemove(false)}>
                  {t("cancel")}
                </button>
              </>
            ) : (
              <button type="button" className="cohort-button" onClick={() => setConfirmRemove(true)} data-testid="learner-remove">
                {t("remove")}
              </button>
            )}
          </div>
        </>
      ) : null}
    </aside>
  );
}
