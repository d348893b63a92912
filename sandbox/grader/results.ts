// The versioned results document: what the grader says about one exercise at one moment.
// The UI, the database and the SSE stream only store and render it, so its shape is a
// contract: new fields may be added only as optional ones, and any other change is a new
// version with an upgrade from the one before (UPGRADES), so every stored document still
// reads. Stored documents are read through parseStoredResults, never parsed by hand.
import { z } from "zod";

/**
 * 2: `expected` and `found` are always in both languages (version 1 held a plain string where
 * a value reads the same in both, such as a count).
 */
export const RESULTS_VERSION = 2;

/** Text in both languages: the one bilingual type of the grader, its results and the UI. */
export const bilingualTextSchema = z.strictObject({ ko: z.string(), en: z.string() });
export type Bilingual = z.infer<typeof bilingualTextSchema>;

export const checkStatusSchema = z.enum(["pass", "fail", "error"]);
export type CheckStatus = z.infer<typeof checkStatusSchema>;

export const checkResultSchema = z.strictObject({
  id: z.string().min(1),
  status: checkStatusSchema,
  title: bilingualTextSchema,
  /** What the grader found, specific: "expected 4 ready replicas, found 2". */
  message: bilingualTextSchema,
  /**
   * The values behind the message ("3개" / "3", "설정되지 않음" / "not set"). A rule may give a
   * plain string for a value that reads the same in both languages; the document holds both.
   */
  expected: z.union([z.string(), bilingualTextSchema]).optional(),
  found: z.union([z.string(), bilingualTextSchema]).optional(),
  hint: bilingualTextSchema,
});
/** One check as the grader's rules report it. */
export type CheckResult = z.infer<typeof checkResultSchema>;

export const documentCheckSchema = checkResultSchema.extend({
  expected: bilingualTextSchema.optional(),
  found: bilingualTextSchema.optional(),
});
/** One check as the results document holds it: every value in both languages. */
export type DocumentCheck = z.infer<typeof documentCheckSchema>;

const bothLanguages = (value: string | Bilingual): Bilingual => (typeof value === "string" ? { ko: value, en: value } : value);

export function documentCheck(check: CheckResult): DocumentCheck {
  const { expected, found, ...rest } = check;
  return { ...rest, ...(expected !== undefined ? { expected: bothLanguages(expected) } : {}), ...(found !== undefined ? { found: bothLanguages(found) } : {}) };
}

export const resultsDocumentSchema = z.strictObject({
  version: z.literal(RESULTS_VERSION),
  lessonId: z.string().min(1),
  exerciseId: z.string().min(1),
  outcome: checkStatusSchema,
  gradedAt: z.iso.datetime(),
  durationMs: z.number().nonnegative(),
  checks: z.array(documentCheckSchema),
  /** Set when the lab could not be read at all (then every check is `error`). */
  error: bilingualTextSchema.optional(),
});
export type ResultsDocument = z.infer<typeof resultsDocumentSchema>;

/** A value in the reader's language (a rule's plain string reads the same in both). */
export function valueIn(value: string | Bilingual, lang: "ko" | "en"): string {
  return typeof value === "string" ? value : value[lang];
}

const storedSchema = z.looseObject({ version: z.number().int().positive() });
const storedChecksSchema = z.looseObject({ checks: z.array(z.looseObject({ expected: z.unknown().optional(), found: z.unknown().optional() })) });

/** Version n → n + 1, for every n below RESULTS_VERSION. Each step sees the raw JSON of its version. */
const UPGRADES: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {
  1: (doc) => {
    const { checks } = storedChecksSchema.parse(doc);
    const both = (v: unknown) => (typeof v === "string" ? { ko: v, en: v } : v);
    return {
      ...doc,
      version: 2,
      checks: checks.map(({ expected, found, ...rest }) => ({
        ...rest,
        ...(expected !== undefined ? { expected: both(expected) } : {}),
        ...(found !== undefined ? { found: both(found) } : {}),
      })),
    };
  },
};

/**
 * A results document as stored (the JSON text of an Attempt, or its parsed value), upgraded to
 * RESULTS_VERSION; null when it is not one (broken JSON, a version from the future, a shape
 * no upgrade explains). The one reader of stored documents: progress, dashboards, reloads.
 */
export function parseStoredResults(stored: unknown): ResultsDocument | null {
  let doc: unknown = stored;
  if (typeof stored === "string") {
    try {
      doc = JSON.parse(stored);
    } catch {
      return null;
    }
  }
  try {
    for (;;) {
      const head = storedSchema.safeParse(doc);
      if (!head.success) return null;
      if (head.data.version === RESULTS_VERSION) break;
      const upgrade = UPGRADES[head.data.version];
      if (!upgrade) return null;
      doc = upgrade(head.data);
    }
  } catch {
    return null; // a document whose shape its own version's upgrade cannot read
  }
  const parsed = resultsDocumentSchema.safeParse(doc);
  return parsed.success ? parsed.data : null;
}

/** error if any check is error, else fail if any fails, else pass. */
export function outcomeOf(checks: Pick<CheckResult, "status">[]): CheckStatus {
  if (checks.some((c) => c.status === "error")) return "error";
  if (checks.some((c) => c.status === "fail")) return "fail";
  return "pass";
}
