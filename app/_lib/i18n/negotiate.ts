// Which of kubelab's two languages a browser asked for, from its Accept-Language header.
// Korean when the reader's first supported preference is Korean; English otherwise, because
// a French or Japanese reader is far likelier to read English than Korean. Only a request
// that names no language at all (curl, some bots) gets Korean, the course's first language.
import type { Locale } from "./routing";

interface Range {
  tag: string;
  q: number;
  order: number;
}

function parse(header: string): Range[] {
  return header
    .split(",")
    .map((part, order) => {
      const [rawTag, ...params] = part.trim().split(";");
      const tag = (rawTag ?? "").trim().toLowerCase();
      const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const q = qParam ? Number(qParam.slice(2)) : 1;
      return { tag, q: Number.isFinite(q) ? q : 0, order };
    })
    .filter((r) => r.tag !== "" && r.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
}

export function negotiateLocale(acceptLanguage: string | null | undefined): Locale {
  const ranges = parse(acceptLanguage ?? "");
  if (ranges.length === 0) return "ko";
  for (const { tag } of ranges) {
    const primary = tag.split("-")[0];
    if (primary === "ko") return "ko";
    if (primary === "en") return "en";
  }
  // Languages we do not have (fr, ja, "*"): English is the one they most likely read.
  return "en";
}
