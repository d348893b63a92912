// What the sign-in and sign-up forms get back from their server actions. Shared by server and
// browser, so it imports nothing server-side. Errors are message keys (namespace "Auth.errors"),
// never sentences, so each language says them its own way.
export type AuthErrorKey =
  | "invalidCredentials"
  | "emailTaken"
  | "rateLimited"
  | "invalidInput"
  /** The server's disk is full: nothing was saved, nothing earlier is lost. */
  | "storageFull"
  | "unexpected";

export type FieldErrorKey = "email" | "passwordTooShort" | "tooLong" | "required";

export interface AuthFormState {
  error?: AuthErrorKey;
  fieldErrors?: Partial<Record<"email" | "password" | "displayName", FieldErrorKey>>;
  retryAfterSeconds?: number;
  /** What the person typed (never the password), so a refused form keeps it. */
  values?: { email?: string; displayName?: string };
}
