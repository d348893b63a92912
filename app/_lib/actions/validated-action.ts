// The one way to write a server action: parse the input with a zod schema once, run the
// data-layer call (which checks who is asking), and answer with `ActionResult` - never a
// throw the page cannot explain, never a stack trace. Modelled on nextjs/saas-starter's
// validated actions: the action files stay a line or two per action.
import "server-only";
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { isAuthError } from "@/app/_lib/auth/guards";
import { isStorageFull } from "@/app/_lib/db/storage-full";
import { logger } from "@/app/_lib/log";
import type { ActionErrorKey, ActionFailure, ActionResult } from "./result";

/** Thrown inside an action's body to refuse with a key the page explains (`return refuse(...)`). */
export class ActionRefusal extends Error {
  constructor(readonly failure: Omit<ActionFailure, "ok">) {
    super(`refused: ${failure.error}`);
    this.name = "ActionRefusal";
  }
}

export function refuse(error: ActionErrorKey, extra: Omit<ActionFailure, "ok" | "error"> = {}): never {
  throw new ActionRefusal({ error, ...extra });
}

export interface ActionOptions {
  /** Names the action in the server log when it fails unexpectedly. */
  name: string;
  /** Turns an error of this action's own data layer into a refusal; undefined: not one of mine. */
  refusalFor?(error: unknown): Omit<ActionFailure, "ok"> | undefined;
}

// A key of "Actions.fields" is a short word; zod's own English sentences become "invalid".
const FIELD_KEY = /^[a-zA-Z][a-zA-Z-]{0,40}$/;

/** Per field (the path's first part), the first problem's key. */
export function fieldProblems(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : "form";
    // A missing field (zod's "expected string, received undefined") reads as "required".
    const key = issue.code === "invalid_type" && issue.input === undefined ? "required" : FIELD_KEY.test(issue.message) ? issue.message : "invalid";
    fields[field] ??= key;
  }
  return fields;
}

async function answer<S extends z.ZodType, T>(
  schema: S,
  raw: unknown,
  run: (input: z.output<S>) => Promise<T>,
  options: ActionOptions,
  values: Record<string, string> | undefined,
): Promise<ActionResult<T>> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: "invalidInput", fields: fieldProblems(parsed.error), ...(values && { values }) };
  try {
    return { ok: true, data: await run(parsed.data) };
  } catch (error) {
    // redirect(), notFound() and Next's own signals pass through untouched.
    unstable_rethrow(error);
    const failure = refusalOf(error, options);
    return { ok: false, ...failure, ...(values && !failure.values && { values }) };
  }
}

function refusalOf(error: unknown, options: ActionOptions): Omit<ActionFailure, "ok"> {
  if (error instanceof ActionRefusal) return error.failure;
  if (isAuthError(error)) return { error: error.status === 401 ? "signIn" : "forbidden" };
  const own = options.refusalFor?.(error);
  if (own) return own;
  if (isStorageFull(error)) return { error: "storageFull" };
  logger.error({ err: error, action: options.name }, "server action failed");
  return { error: "unexpected" };
}

/** An action called from code with one argument: `action(input)`. */
export function validatedAction<S extends z.ZodType, T>(schema: S, run: (input: z.output<S>) => Promise<T>, options: ActionOptions) {
  return (input?: z.input<S>): Promise<ActionResult<T>> => answer(schema, input, run, options, undefined);
}

/**
 * An action behind a <form> (`useActionState`): the form's text fields become the input; a
 * refusal carries back the fields named in `keep` (never a password), so nothing typed is lost.
 */
export function validatedFormAction<S extends z.ZodType, T>(schema: S, run: (input: z.output<S>) => Promise<T>, options: ActionOptions & { keep?: readonly string[] }) {
  return (_previous: ActionResult<T> | null, form: FormData): Promise<ActionResult<T>> => {
    const raw: Record<string, string> = {};
    for (const [name, value] of form.entries()) if (typeof value === "string" && !name.startsWith("$ACTION")) raw[name] = value;
    const values = options.keep ? Object.fromEntries(options.keep.map((name) => [name, raw[name] ?? ""])) : undefined;
    return answer(schema, raw, run, options, values);
  };
}
