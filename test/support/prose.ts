// Turns a lesson or a seed article into the prose it says, so that the two can be compared
// sentence by sentence. Code (fenced blocks and inline spans) is dropped: the course may reuse
// the seeds' commands and manifests, never their sentences.
import { createHash } from "node:crypto";

/** Text with code, markup and front-matter delimiters removed; paragraphs joined into lines. */
export function proseOf(markdown: string): string {
  return (
    markdown
      .replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n/, (fm) => fm.replace(/^\s*[A-Za-z_]+:\s*/gm, "").replace(/^\s*-\s*/gm, "").replace(/---/g, ""))
      .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "\n")
      .replace(/`[^`\n]*`/g, " ")
      // JSX/HTML tags go, but what their attributes say (alt, title) is prose too.
      .replace(/<[A-Za-z][^>]*?(?:alt|title)="([^"]*)"[^>]*>/g, "\n$1\n")
      .replace(/<\/?[A-Za-z][^>]*>/g, " ")
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/^\s*(#{1,6}|[-*+]|\d+\.|>)\s+/gm, "")
      .replace(/[*_]{1,3}/g, "")
      .replace(/\|/g, " ")
  );
}

/** Sentences: split at ., !, ?, 。 and blank lines; a wrapped line inside a paragraph is joined. */
export function sentencesOf(prose: string): string[] {
  return prose
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s*\n\s*/g, " "))
    .flatMap((paragraph) => paragraph.split(/(?<=[.!?。])\s+|(?<=다\.)|\s+-\s+-\s+-/))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Case, spacing and punctuation do not make a sentence new. */
export function normalise(sentence: string): string {
  return sentence
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** Long enough to be a sentence someone wrote, not a term or a heading like "서비스". */
export const MIN_SENTENCE_CHARS = 16;

/** Word runs this long shared with a seed mean a sentence was copied and lightly edited. */
export const SHINGLE_WORDS = 7;

export function fingerprint(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** Hashes of the sentences and word runs of a text; what a test keeps instead of the text itself. */
export function fingerprintsOf(markdown: string): { sentences: Map<string, string>; shingles: Map<string, string> } {
  const sentences = new Map<string, string>();
  const shingles = new Map<string, string>();
  for (const sentence of sentencesOf(proseOf(markdown))) {
    const normal = normalise(sentence);
    if (normal.length >= MIN_SENTENCE_CHARS) sentences.set(fingerprint(normal), sentence);
    const words = normal.split(" ").filter(Boolean);
    for (let i = 0; i + SHINGLE_WORDS <= words.length; i++) {
      const run = words.slice(i, i + SHINGLE_WORDS);
      // A run of component names ("kube apiserver etcd kube scheduler ...") is a fact, not
      // a sentence; the seeds are Korean, so a copied sentence carries Korean words.
      if (run.filter((w) => /\p{Script=Hangul}/u.test(w)).length < 4) continue;
      shingles.set(fingerprint(run.join(" ")), sentence);
    }
  }
  return { sentences, shingles };
}
