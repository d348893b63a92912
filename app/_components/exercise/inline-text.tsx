// Exercise tasks and hints are short YAML strings, not MDX: the one markup they may use is
// `inline code` for commands and field names, and a blank line between paragraphs. Both are
// turned into elements here, never into HTML strings, so nothing in a spec can inject markup.
import { Fragment } from "react";

function withCode(text: string) {
  return text.split(/(`[^`\n]+`)/).map((part, i) =>
    part.length > 2 && part.startsWith("`") && part.endsWith("`") ? <code key={i}>{part.slice(1, -1)}</code> : <Fragment key={i}>{part}</Fragment>,
  );
}

/** Inline text: `code` spans only. */
export function InlineText({ text }: { text: string }) {
  return <>{withCode(text)}</>;
}

/** Block text: paragraphs split at blank lines, each with `code` spans. */
export function BlockText({ text, className }: { text: string; className?: string }) {
  return (
    <div className={className}>
      {text
        .split(/\n\s*\n/)
        .map((p) => p.trim())
        .filter(Boolean)
        .map((p, i) => (
          <p key={i}>{withCode(p)}</p>
        ))}
    </div>
  );
}
