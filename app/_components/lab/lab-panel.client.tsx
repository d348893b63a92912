"use client";
// The lab column: one card per lab state (not started, queued, starting, ended) and, once
// the lab is ready, the terminal with its toolbar. What the lab is doing comes from
// useLabView; this file only decides what to show for it.
import { useLocale, useTranslations } from "next-intl";
import { type ReactNode, useEffect, useState } from "react";
import type { LabView } from "@/sandbox/manager/view";
import { announceLabState, useInputHeld } from "./lab-bus";
import { ConfirmDialog, type ConfirmTexts } from "./confirm-dialog.client";
import { LessonResetButton, useOpenLessonId } from "./lesson-reset.client";
import { LabPicture, PictureToggle, usePictureOpen } from "@/app/_components/picture/lab-picture.client";
import { StartWait } from "./start-wait.client";
import { profileMismatch, ProfileSwitch, settingFor, useLessonLabNeed } from "./profile-switch.client";
import { LabTerminal } from "./terminal.client";
import type { ConnectionState } from "./terminal-connection";
import { type LabAction, useLabView } from "./use-lab-view";

/** Seconds since an ISO time, ticking once a second while `active`. */
function useElapsedSeconds(since: string | undefined, active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  // Clocks of server and browser differ a little; never show a negative time.
  return since ? Math.max(0, Math.floor((now - Date.parse(since)) / 1000)) : 0;
}

type Asking = "reset" | "resetLesson" | "stop" | null;

/** A question's four texts from a translator, at its root or under a key. */
function confirmTexts(t: (key: string) => string, under?: string): ConfirmTexts {
  const key = (k: string) => (under ? `${under}.${k}` : k);
  return { title: t(key("title")), body: t(key("body")), confirm: t(key("confirm")), cancel: t(key("cancel")) };
}

export function LabPanel() {
  const t = useTranslations("Lab");
  const away = useTranslations("labUnavailable");
  const lessonReset = useTranslations("LabLessonReset");
  const locale = useLocale();
  const lab = useLabView();
  const { view } = lab;
  // Unknown (null) reads as available, so the Start button is there at once; a server
  // without labs answers within a moment and the panel says so.
  const labsAvailable = lab.available !== false;
  const [terminal, setTerminal] = useState<ConnectionState["kind"]>("connecting");
  const lessonId = useOpenLessonId();
  // Reset, Stop and "start the lesson clean" delete what the learner made, so each asks first;
  // at most one question is open at a time.
  const [asking, setAsking] = useState<Asking>(null);
  // Only a Start pressed on this page moves the keyboard into the terminal; a reload does not.
  const [startedHere, setStartedHere] = useState(false);
  const [pictureOpen, setPictureOpen] = usePictureOpen();
  const inputHeld = useInputHeld();
  const lessonNeed = useLessonLabNeed(lessonId);
  const mismatch = profileMismatch(view, lessonNeed);

  const resetting = view.state === "starting" && view.phase === "reset";
  const terminalLab = view.state === "ready" || resetting ? view.sandboxId : null;
  const reconnecting = terminalLab !== null && terminal === "reconnecting";
  const dataState = !labsAvailable ? "unavailable" : reconnecting ? "reconnecting" : view.state;

  // A new lab gets a new terminal, which has not connected yet.
  useEffect(() => setTerminal("connecting"), [terminalLab]);
  useEffect(() => {
    announceLabState({ ready: view.state === "ready" && terminal === "attached" });
  }, [view.state, terminal]);
  useEffect(() => () => announceLabState({ ready: false }), []);
  // A question about a lab that is no longer there (or a lesson no longer open) closes.
  useEffect(() => {
    setAsking((open) => (open === "stop" ? (view.state === "ready" || view.state === "starting" ? open : null) : view.state === "ready" ? open : null));
  }, [view.state]);
  useEffect(() => setAsking((open) => (open === "resetLesson" ? null : open)), [lessonId]);

  const onTerminalState = (state: ConnectionState) => {
    setTerminal(state.kind);
    // The terminal learned first that the lab is gone; the server says how it ended.
    if (state.kind === "gone") void lab.refresh();
  };

  /** Closes the question, then does what was confirmed. */
  const answer = (confirmed: () => Promise<unknown>) => {
    setAsking(null);
    void confirmed();
  };

  const start = () => {
    setStartedHere(true);
    void lab.start(locale, lessonId);
  };

  return (
    <section className="lab-panel" data-testid="lab-state" data-state={dataState} aria-labelledby="lab-title">
      <header className="lab-toolbar">
        <h2 id="lab-title" className="lab-title">
          {t("title")}
        </h2>
        <span className={`lab-badge lab-badge-${dataState}`} role="status">
          {t(`status.${resetting ? "resetting" : dataState}`)}
        </span>
        <div className="lab-actions">
          {terminalLab !== null ? <PictureToggle open={pictureOpen} onToggle={() => setPictureOpen(!pictureOpen)} /> : null}
          {view.state === "ready" ? (
            <button
              type="button"
              className="button"
              data-testid="lab-reset"
              onClick={() => setAsking("reset")}
              disabled={lab.pending !== null}
              aria-expanded={asking === "reset"}
            >
              {t("reset")}
            </button>
          ) : null}
          {view.state === "ready" && lessonId ? (
            <LessonResetButton
              disabled={lab.pending !== null}
              expanded={asking === "resetLesson"}
              onAsk={() => setAsking("resetLesson")}
            />
          ) : null}
          {view.state === "ready" || view.state === "starting" ? (
            <button
              type="button"
              className="button"
              data-testid="lab-stop"
              onClick={() => setAsking("stop")}
              disabled={lab.pending !== null}
              aria-expanded={asking === "stop"}
            >
              {t("stop")}
            </button>
          ) : null}
        </div>
      </header>

      {asking === "reset" ? (
        <ConfirmDialog name="lab-reset" texts={confirmTexts(t, "resetConfirm")} onConfirm={() => answer(() => lab.reset())} onCancel={() => setAsking(null)} />
      ) : null}
      {asking === "resetLesson" && lessonId ? (
        <ConfirmDialog name="lab-reset-lesson" texts={confirmTexts(lessonReset)} onConfirm={() => answer(() => lab.resetLesson(lessonId))} onCancel={() => setAsking(null)} />
      ) : null}
      {asking === "stop" ? (
        <ConfirmDialog name="lab-stop" texts={confirmTexts(t, "stopConfirm")} onConfirm={() => answer(() => lab.stop())} onCancel={() => setAsking(null)} />
      ) : null}

      {lab.failed ? (
        <p className="lab-error" role="alert">
          {t(`errors.${lab.failed}`)}
        </p>
      ) : null}

      {labsAvailable && mismatch && lessonId ? (
        <ProfileSwitch mismatch={mismatch} offered={lessonNeed?.offered ?? false} refusal={lessonNeed?.refusal} pending={lab.pending === "switch"} onSwitch={() => void lab.switchForLesson(locale, lessonId)} />
      ) : null}

      <div className="lab-body">
        {labsAvailable && terminalLab !== null && pictureOpen ? <LabPicture /> : null}
        {!labsAvailable ? (
          lab.unavailable === "engine" ? (
            <StateCard title={away("title")} body={away("body")} />
          ) : (
            <StateCard title={t("unavailable.title")} body={t("unavailable.body")} />
          )
        ) : terminalLab !== null ? (
          <LabTerminal key={terminalLab} sandboxId={terminalLab} autoFocus={startedHere} busyMessage={resetting ? t("resetting") : undefined} holdInput={inputHeld} onStateChange={onTerminalState} />
        ) : (
          <LabStateCard view={view} pending={lab.pending} onStart={start} onStop={() => void lab.stop()} />
        )}
      </div>
    </section>
  );
}

function StateCard({ title, body, children }: { title: string; body?: string; children?: ReactNode }) {
  return (
    <div className="lab-card">
      <p className="lab-card-title">{title}</p>
      {body ? <p className="lab-card-body">{body}</p> : null}
      {children}
    </div>
  );
}

function LabStateCard({ view, pending, onStart, onStop }: { view: LabView; pending: LabAction | null; onStart(): void; onStop(): void }) {
  const t = useTranslations("Lab");
  const auth = useTranslations("Auth");
  const busy = useTranslations("LabQueueCap");
  const profileOff = useTranslations("LabProfileUnavailable");
  const elapsed = useElapsedSeconds(view.state === "starting" ? view.since : undefined, view.state === "starting");
  const startButton = (label: string) => (
    <button type="button" className="button button-primary lab-start" data-testid="lab-start" onClick={onStart} disabled={pending !== null}>
      {pending === "start" ? t("startPending") : label}
    </button>
  );

  switch (view.state) {
    case "queued":
      return (
        <StateCard title={t("queued.position", { position: view.position, queueLength: view.queueLength })} body={t("queued.body")}>
          <p className="lab-queue" data-testid="lab-queue-position" data-position={view.position} data-queue-length={view.queueLength} aria-hidden="true">
            <span className="lab-queue-number">{view.position}</span>
            <span className="muted"> / {view.queueLength}</span>
          </p>
          <button type="button" className="button" data-testid="lab-stop" onClick={onStop} disabled={pending !== null}>
            {t("leaveQueue")}
          </button>
        </StateCard>
      );
    case "starting": {
      const steps = ["container", "cluster", "terminal"] as const;
      const current = view.phase === "container" ? 0 : 1;
      return (
        <StateCard title={t("progress.title")}>
          <ol className="lab-steps">
            {steps.map((step, i) => (
              <li key={step} className={i < current ? "lab-step-done" : i === current ? "lab-step-active" : "lab-step-todo"} aria-current={i === current ? "step" : undefined}>
                {i === current ? <span className="spinner" aria-hidden="true" /> : <span className="lab-step-mark" aria-hidden="true" />}
                {t(`progress.${step}`)}
              </li>
            ))}
          </ol>
          <p className="muted lab-elapsed">{t("progress.elapsed", { seconds: elapsed })}</p>
          <StartWait position={view.position} estimateSeconds={view.estimateSeconds} />
        </StateCard>
      );
    }
    case "ended":
      return (
        <StateCard title={t(`ended.${view.reason}.title`)} body={t(`ended.${view.reason}.body`)}>
          {view.placeHeldSeconds ? (
            <p className="muted" data-testid="lab-place-held">
              {t("ended.placeHeld", { minutes: Math.ceil(view.placeHeldSeconds / 60) })}
            </p>
          ) : null}
          {startButton(t("startAgain"))}
        </StateCard>
      );
    default:
      // The lesson needs real pods and this server has node labs off: no Start button, since
      // a start would only fail; the operator's setting is named instead (which one depends
      // on where labs run: the refusal's code says).
      if (view.state === "none" && view.profileUnavailable === "node") {
        return (
          <StateCard title={profileOff("title")} body={profileOff("body")}>
            <p className="lab-error" role="alert" data-testid="lab-profile-unavailable" data-refusal={view.profileRefusal}>
              {profileOff(
                view.profileRefusal === "node-needs-runtime-class" ? "operatorRuntimeClass" : view.profileRefusal === "local-sim-only" ? "operatorLocal" : "operator",
                { setting: settingFor(view.profileRefusal) },
              )}
            </p>
          </StateCard>
        );
      }
      return (
        <StateCard title={t("none.title")} body={t("none.body")}>
          {view.state === "none" && view.retryAfterSeconds ? (
            <p className="lab-error" role="alert" data-testid="lab-rate-limited">
              {auth("errors.labRateLimited", { minutes: Math.ceil(view.retryAfterSeconds / 60) })}
            </p>
          ) : null}
          {view.state === "none" && view.waitingPerAddressLimit ? (
            <p className="lab-error" role="alert" data-testid="lab-address-busy">
              {busy("addressBusy", { limit: view.waitingPerAddressLimit })}
            </p>
          ) : null}
          {startButton(t("start"))}
        </StateCard>
      );
  }
}
