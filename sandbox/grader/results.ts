// The versioned results document: what the grader says about one exercise at one moment.
// The UI, the database and the SSE stream only store and render it, so its shape is a
// contract; new fields may be added only as optional ones.
import { z } from "zod";

export const RESULTS_VERSION = 1;

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
   * The values behind the message, in both languages ("3개" / "3", "설정되지 않음" / "not set").
   * Documents stored before values were bilingual hold a plain string; both still parse.
   */
  expected: z.union([z.string(), bilingualTextSchema]).optional(),
  found: z.union([z.string(), bilingualTextSchema]).optional(),
  hint: bilingualTextSchema,
});
export type CheckResult = z.infer<typeof checkResultSchema>;

export const resultsDocumentSchema = z.strictObject({
  version: z.literal(RESULTS_VERSION),
  lessonId: z.string().min(1),
  exerciseId: z.string().min(1),
  outcome: checkStatusSchema,
  gradedAt: z.iso.datetime(),
  durationMs: z.number().nonnegative(),
  checks: z.array(checkResultSchema),
  /** Set when the lab could not be read at all (then every check is `error`). */
  error: bilingualTextSchema.optional(),
});
export type ResultsDocument = z.infer<typeof resultsDocumentSchema>;

/** A stored value in the reader's language (older documents hold one string for both). */
export function valueIn(value: string | Bilingual, lang: "ko" | "en"): string {
  return typeof value === "string" ? value : value[lang];
}

/** error if any check is error, else fail if any fails, else pass. */
export function outcomeOf(checks: Pick<CheckResult, "status">[]): CheckStatus {
  if (checks.some((c) => c.status === "error")) return "error";
  if (checks.some((c) => c.status === "fail")) return "fail";
  return "pass";
}
