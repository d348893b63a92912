// What every message of the grader must read like, as a learner reads it: no script, no
// newline, no `[0]`-style or dotted path, no JSON, not cut off, and on the Korean card no
// English words outside `code` (the learner's own names and values) except the abbreviations
// the Korean Kubernetes docs keep, no word said twice. Shared by the course-wide message test
// and the test of every message the grader has.
import { type CheckResult, valueIn } from "@/sandbox/grader/results";

/** Latin words a Korean sentence may hold outside `code`, as the Korean Kubernetes docs do (abbreviations, units, product names). */
const KOREAN_MAY_KEEP = new Set(["CPU", "IP", "HTTP", "TCP", "UDP", "DNS", "URL", "CRD", "API", "YAML", "MiB", "GiB", "WordPress", "MariaDB", "Helm"]);

export function problemsIn(text: string, lang: "ko" | "en"): string[] {
  const problems: string[] = [];
  if (text.includes("\n")) problems.push("has a newline (a script?)");
  if (/\[\d+\]|\[[A-Za-z.]+=[^\]]*\]/.test(text)) problems.push("shows a list path like [0]");
  // A field path, in prose or code (a host such as status.example.com is a value, not a path).
  if (/\b(spec|status|metadata)\.(template|containers|replicas|readyReplicas|selector|ports|conditions|labels|annotations|name|type|strategy|rules)\b/.test(text)) problems.push("shows a dotted path");
  if (/[{}]/.test(text.replace(/`[^`]*`/g, ""))) problems.push("shows JSON");
  if (/\.\.\.$/.test(text)) problems.push("is cut off");
  const prose = text.replace(/`[^`]*`/g, " ");
  if (lang === "ko") {
    const english = (prose.match(/[A-Za-z][A-Za-z-]*/g) ?? []).filter((w) => !KOREAN_MAY_KEEP.has(w));
    if (english.length > 0) problems.push(`has English words outside code: ${english.join(", ")}`);
    // "maxSurge 값이 1 값이어야": a value followed by the word 값 again.
    if (/값이 \S+ 값이어야|(`[^`]*`|\d) 값이어야/.test(text)) problems.push("says 값 twice");
    const words = prose.split(/\s+/).filter(Boolean);
    // (Punctuation left between code spans, as in "`a`, `b`", is not a word.)
    for (let i = 1; i < words.length; i++) if (words[i] === words[i - 1] && /[가-힣A-Za-z0-9]/.test(words[i]!)) problems.push(`repeats "${words[i]}"`);
  } else if (/[가-힣]/.test(prose)) problems.push("has Korean on the English card");
  if ((text.match(/`/g) ?? []).length % 2 !== 0) problems.push("has an unclosed code span");
  return problems;
}

export function problemsOf(r: Pick<CheckResult, "message" | "expected" | "found">): string[] {
  const out: string[] = [];
  for (const lang of ["ko", "en"] as const) {
    const texts: [string, string][] = [["message", r.message[lang]]];
    if (r.expected !== undefined) texts.push(["expected", valueIn(r.expected, lang)]);
    if (r.found !== undefined) texts.push(["found", valueIn(r.found, lang)]);
    for (const [what, text] of texts) for (const p of problemsIn(text, lang)) out.push(`${lang} ${what} "${text}" ${p}`);
  }
  return out;
}

