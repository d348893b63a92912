"use client";
// A highlighted code block with a copy button, and for shell blocks a Run button that types
// the commands into the learner's terminal. The highlighting is done at compile time; this
// only adds behaviour.
import { useTranslations } from "next-intl";
import { type ComponentProps, useRef, useState } from "react";
import { runInLab, useLabReady } from "@/app/_components/lab/lab-bus";

type State = "idle" | "copied" | "failed";

const SHELL_LANGUAGES = new Set(["bash", "shell", "sh"]);

/** The run option of a shell block (app/_lib/lessons/run-blocks.ts), set by the compiler. */
type RunOption = "interactive" | "expect-fail" | "norun";

export function CodeBlock({ children, ...props }: ComponentProps<"pre"> & { "data-language"?: string; "data-run"?: RunOption }) {
  const t = useTranslations("Code");
  const ref = useRef<HTMLPreElement>(null);
  const [state, setState] = useState<State>("idle");
  const language = props["data-language"];
  const runOption = props["data-run"];
  // A norun block is for the learner's own machine or an editor session, not this lab.
  const runnable = language !== undefined && SHELL_LANGUAGES.has(language) && runOption !== "norun";

  const text = () => (ref.current?.textContent ?? "").replace(/\n$/, "");

  async function copy() {
    try {
      await navigator.clipboard.writeText(text());
      setState("copied");
    } catch {
      setState("failed");
    }
    setTimeout(() => setState("idle"), 1500);
  }

  return (
    <div className="code-block" data-language={language}>
      {/* A bar above the code, not buttons over it: on a phone they covered the first line. */}
      <div className="code-bar">
        {language && language !== "text" ? <span className="code-language">{language}</span> : <span />}
        <div className="code-actions">
          {runnable ? <RunButton command={text} interactive={runOption === "interactive"} /> : null}
          <button type="button" className="code-copy" onClick={copy} aria-live="polite">
            {state === "copied" ? t("copied") : state === "failed" ? t("copyFailed") : t("copy")}
          </button>
        </div>
      </div>
      <pre ref={ref} {...props}>
        {children}
      </pre>
    </div>
  );
}

function RunButton({ command, interactive }: { command: () => string; interactive: boolean }) {
  const t = useTranslations("Code");
  const ready = useLabReady();
  // A disabled button gets no pointer events in most browsers, so the hint sits on a wrapper.
  // An interactive block keeps running until Ctrl+C, which its hint says.
  return (
    <span className="code-run-wrap" title={ready ? (interactive ? t("runInteractiveHint") : t("runHint")) : t("runNeedsLab")}>
      <button type="button" className="code-run" data-testid="code-run" disabled={!ready} onClick={() => runInLab(command())}>
        <span aria-hidden="true">▶</span> {t("run")}
      </button>
    </span>
  );
}
