// The one helper behind every server action (app/_lib/actions/validated-action.ts): input
// checked once by its schema, one answer shape, refusals as message keys that exist in both
// languages, and an unexpected failure that never shows its message or stack to the page.
import { readFileSync } from "node:fs";
import path from "node:path";
import { redirect } from "next/navigation";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { refuse, validatedAction, validatedFormAction } from "@/app/_lib/actions/validated-action";
import type { ActionErrorKey } from "@/app/_lib/actions/result";
import { dataOf } from "@/app/_lib/actions/result";
import { AuthError } from "@/app/_lib/auth/guards";
import { signUpSchema } from "@/app/_lib/auth/accounts-core";
import { cohortInputSchema } from "@/app/_lib/data/cohort-schemas";
import en from "@/app/_lib/i18n/messages/en.json";
import ko from "@/app/_lib/i18n/messages/ko.json";

const root = path.resolve(__dirname, "../..");

function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
}

describe("validatedAction", () => {
  it("runs the data-layer call with the parsed input and answers { ok: true, data }", async () => {
    const seen: unknown[] = [];
    const action = validatedAction(z.strictObject({ n: z.coerce.number().int() }), async ({ n }) => (seen.push(n), n * 2), { name: "double" });
    expect(await action({ n: "21" as unknown as number })).toEqual({ ok: true, data: 42 });
    expect(seen).toEqual([21]);
  });

  it("refuses bad input before the call, with invalidInput and a key per field", async () => {
    let called = false;
    const action = validatedAction(cohortInputSchema, async () => (called = true), { name: "createCohort" });
    const answer = await action({ name: "", lessonIds: [], startsAt: "not a date", endsAt: "2026-12-01T00:00:00Z" });
    expect(called).toBe(false);
    expect(answer).toEqual({ ok: false, error: "invalidInput", fields: { name: "name-required", lessonIds: "lessons-required", startsAt: "date-invalid", endsAt: "dates-order" } });
  });

  it("names a missing field 'required' and zod's own English sentences 'invalid', never the sentence", async () => {
    const action = validatedAction(z.strictObject({ id: z.string().regex(/^[a-z]+$/), other: z.string() }), async () => 1, { name: "t" });
    const answer = await action({ id: "ABC" } as never);
    expect(answer).toEqual({ ok: false, error: "invalidInput", fields: { id: "invalid", other: "required" } });
  });

  it("turns a refusal into its key, with what the refusal carries", async () => {
    const action = validatedAction(z.undefined(), async () => refuse("rateLimited", { retryAfterSeconds: 30 }), { name: "t" });
    expect(await action()).toEqual({ ok: false, error: "rateLimited", retryAfterSeconds: 30 });
  });

  it("turns the guards' errors into signIn (401) and forbidden (403)", async () => {
    const as = (status: 401 | 403) =>
      validatedAction(z.undefined(), async () => {
        throw new AuthError(status);
      }, { name: "t" })();
    expect(await as(401)).toEqual({ ok: false, error: "signIn" });
    expect(await as(403)).toEqual({ ok: false, error: "forbidden" });
  });

  it("lets an action name its own data layer's errors", async () => {
    class Gone extends Error {}
    const action = validatedAction(z.undefined(), async () => {
      throw new Gone("cohort x");
    }, { name: "t", refusalFor: (e) => (e instanceof Gone ? { error: "notFound" } : undefined) });
    expect(await action()).toEqual({ ok: false, error: "notFound" });
  });

  it("answers a full disk with storageFull", async () => {
    const action = validatedAction(z.undefined(), async () => {
      throw new Error("write failed", { cause: { code: "SQLITE_FULL", message: "database or disk is full" } });
    }, { name: "t" });
    expect(await action()).toEqual({ ok: false, error: "storageFull" });
  });

  it("answers any other thrown error with the generic key, and nothing of its message or stack", async () => {
    const secret = "connect ECONNREFUSED /var/run/secret-socket";
    const action = validatedAction(z.undefined(), async () => {
      throw new Error(secret);
    }, { name: "t" });
    const answer = await action();
    expect(answer).toEqual({ ok: false, error: "unexpected" });
    const sent = JSON.stringify(answer);
    expect(sent).not.toContain("ECONNREFUSED");
    expect(sent).not.toMatch(/at .*\.ts:\d+/);
  });

  it("lets Next's redirect through (a sign-in that succeeded goes on, it is no failure)", async () => {
    const action = validatedAction(z.undefined(), async () => redirect("/en"), { name: "t" });
    await expect(action()).rejects.toMatchObject({ digest: expect.stringMatching(/^NEXT_REDIRECT;.*\/en/) });
  });
});

describe("validatedFormAction", () => {
  const signUp = validatedFormAction(signUpSchema, async (input) => input.email, { name: "signUp", keep: ["email", "displayName"] });

  it("reads the form's fields as the input", async () => {
    expect(await signUp(null, form({ email: " Mina@Example.com ", password: "a long password", displayName: "Mina" }))).toEqual({ ok: true, data: "mina@example.com" });
  });

  it("keeps what was typed on a refusal, but never the password", async () => {
    const answer = await signUp(null, form({ email: "not an email", password: "short", displayName: "Mina" }));
    expect(answer).toEqual({
      ok: false,
      error: "invalidInput",
      fields: { email: "email", password: "passwordTooShort" },
      values: { email: "not an email", displayName: "Mina" },
    });
    expect(JSON.stringify(answer)).not.toContain("short\"");
  });

  it("keeps what was typed when the data layer refuses too", async () => {
    const taken = validatedFormAction(signUpSchema, async () => refuse("emailTaken"), { name: "signUp", keep: ["email"] });
    expect(await taken(null, form({ email: "a@example.com", password: "a long password" }))).toEqual({ ok: false, error: "emailTaken", values: { email: "a@example.com" } });
  });
});

describe("the answer's keys", () => {
  // Every key a refusal can carry, read from the type's source so a new key cannot skip this.
  const source = readFileSync(path.join(root, "app/_lib/actions/result.ts"), "utf8");
  const union = source.slice(source.indexOf("export type ActionErrorKey"), source.indexOf("export interface ActionFailure"));
  const keys = [...union.matchAll(/\|\s*"([a-zA-Z]+)"/g)].map((m) => m[1]!) as ActionErrorKey[];

  it("every error key has a message in Korean and English", () => {
    expect(keys.length).toBeGreaterThan(10);
    for (const messages of [en, ko]) for (const key of keys) expect(messages.Actions.errors, key).toHaveProperty(key);
  });

  it("every field key the schemas use has a message in Korean and English", () => {
    const used = ["email", "passwordTooShort", "tooLong", "required", "invalid", "name-required", "name-too-long", "lessons-required", "lesson-unknown", "date-invalid", "dates-order"];
    for (const messages of [en, ko]) for (const key of used) expect(messages.Actions.fields, key).toHaveProperty(key);
  });

  it("dataOf hands back the data, and throws on a refusal for callers that only handle success", () => {
    expect(dataOf({ ok: true, data: 1 })).toBe(1);
    expect(() => dataOf({ ok: false, error: "noLab" })).toThrow(/noLab/);
  });
});

describe("every server action is a validated action", () => {
  const files = ["app/_lib/auth/actions.ts", "app/_lib/admin/actions.ts", "app/_lib/cohort/actions.ts", "app/_lib/grader/actions.ts", "app/_lib/lab/actions.ts", "app/_lib/lessons/catalog-actions.ts"];
  // signOutAction is a plain <form action> that only redirects: there is nothing to answer.
  const plain = new Set(["signOutAction"]);

  it.each(files)("%s exports only validated actions", (file) => {
    const source = readFileSync(path.join(root, file), "utf8");
    const exported = [...source.matchAll(/^export (?:const|async function|function) (\w+)/gm)].map((m) => m[1]!);
    expect(exported.length).toBeGreaterThan(0);
    for (const name of exported) {
      if (plain.has(name)) continue;
      expect(source, `${file}: ${name}`).toMatch(new RegExp(`export const ${name} = validated(?:Form)?Action\\(`));
    }
  });
});
