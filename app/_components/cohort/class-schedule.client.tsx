"use client";
// The cohort's class schedule on the dashboard: when classes start, "class starts now", and
// how many labs are warming and ready for the learners. The figures are polled (a few seconds
// apart) while the page is open; the server decides everything, this only shows and asks.
import { useTranslations } from "next-intl";
import { useEffect, useState, useTransition } from "react";
import { LocalTime } from "@/app/_components/time/local-time.client";
import type { ActionResult } from "@/app/_lib/actions/result";
import { cancelClassAction, classScheduleAction, scheduleClassAction, startClassNowAction } from "@/app/_lib/cohort/actions";
import type { ClassSchedule } from "@/app/_lib/data/class-sessions";

const POLL_MS = 3000;

export function ClassScheduleView({ initial, ended }: { initial: ClassSchedule; ended: boolean }) {
  const t = useTranslations("ClassSchedule");
  const errors = useTranslations("Actions");
  const [schedule, setSchedule] = useState(initial);
  const [when, setWhen] = useState("");
  const [status, setStatus] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const cohortId = initial.cohortId;

  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState !== "visible") return;
      void classScheduleAction({ cohortId }).then((r) => r.ok && setSchedule(r.data), () => undefined);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [cohortId]);

  const explain = (result: ActionResult<unknown>): string => {
    if (result.ok) return "";
    const field = result.fields?.startsAt;
    return field ? errors(`fields.${field}` as never) : errors(`errors.${result.error}` as never);
  };

  const act = (run: () => Promise<ActionResult<ClassSchedule & { started?: number; short?: number }>>, done: (s: ClassSchedule & { started?: number; short?: number }) => string) =>
    startTransition(async () => {
      const result = await run().catch(() => ({ ok: false, error: "unexpected" }) as const);
      if (result.ok) {
        setSchedule(result.data);
        setStatus(done(result.data));
      } else setStatus(explain(result));
    });

  const startNow = () => act(() => startClassNowAction({ cohortId }), (s) => t("startedNow", { started: s.started ?? 0, short: s.short ?? 0 }));
  const schedule_ = () => {
    const at = new Date(when);
    if (!when || Number.isNaN(at.getTime())) {
      setStatus(errors("fields.date-invalid"));
      return;
    }
    act(() => scheduleClassAction({ cohortId, startsAt: at.toISOString() }), () => {
      setWhen("");
      return t("scheduled");
    });
  };
  const cancel = (sessionId: string) => act(() => cancelClassAction({ cohortId, sessionId }), () => t("cancelled"));

  const labs = schedule.labs;
  return (
    <section className="cohort-class" aria-labelledby="class-heading" data-testid="class-schedule">
      <h2 id="class-heading">{t("title")}</h2>
      <p className="muted">{t("explain", { lead: schedule.leadMinutes, hold: schedule.holdMinutes })}</p>
      {labs ? (
        <p
          className="cohort-class-labs"
          data-testid="class-labs"
          data-ready={labs.ready}
          data-warming={labs.warming}
          data-with-lab={labs.withLab}
          data-enrolled={labs.enrolled}
        >
          {t("labs", { ready: labs.ready, warming: labs.warming, withLab: labs.withLab, enrolled: labs.enrolled, capacity: labs.capacity })}
        </p>
      ) : (
        <p className="muted">{t("noLabs")}</p>
      )}
      {ended ? (
        <p className="muted">{t("ended")}</p>
      ) : (
        <div className="cohort-class-row">
          <button type="button" className="cohort-button" onClick={startNow} disabled={pending || !labs} data-testid="class-start-now">
            {t("startNow")}
          </button>
          <label>
            {t("at")}{" "}
            <input type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} data-testid="class-at" />
          </label>
          <button type="button" className="cohort-button" onClick={schedule_} disabled={pending} data-testid="class-schedule-add">
            {t("schedule")}
          </button>
        </div>
      )}
      {schedule.sessions.length ? (
        <ul className="cohort-class-sessions" data-testid="class-sessions">
          {schedule.sessions.map((s) => (
            <li key={s.id}>
              <LocalTime at={s.startsAt} options={{ dateStyle: "medium", timeStyle: "short" }} />{" "}
              <button type="button" className="cohort-button" onClick={() => cancel(s.id)} disabled={pending}>
                {t("cancel")}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t("none")}</p>
      )}
      <p role="status" className="muted" data-testid="class-status">
        {status}
      </p>
    </section>
  );
}
