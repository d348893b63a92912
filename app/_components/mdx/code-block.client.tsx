"use client";
// A highlighted code block with a copy button. The highlighting is done at compile time;
// this only adds behaviour.
import { useTranslations } from "next-intl";
import { type ComponentProps, useRef, useState } from "react";

type State = "idle" | "copied" | "failed";

export function CodeBlock({ children, ...props }: ComponentProps<"pre"> & { "data-language"?: string }) {
  const t = useTranslations("Code");
  const ref = useRef<HTMLPreElement>(null);
  const [state, setState] = useState<State>("idle");
  const language = props["data-language"];

  async function copy() {
    const text = ref.current?.textContent ?? "";
    try {
      await navigator.clipboard.writeText(text.replace(/\n$/, ""));
      setState("copied");
    } catch {
      setState("failed");
    }
    setTimeout(() => setState("idle"), 1500);
  }

  return (
    <div className="code-block" data-language={language}>
      {language && language !== "text" ? <span className="code-language">{language}</span> : null}
      <button type="button" className="code-copy" onClick={copy} aria-live="polite">
        {state === "copied" ? t("copied") : state === "failed" ? t("copyFailed") : t("copy")}
      </button>
      <pre ref={ref} {...props}>
        {children}
      </pre>
    </div>
  );
}
