// Field paths of exercise checks: dotted keys, list indexes, keys with dots in brackets, and
// list items chosen by a field of theirs, so a check can name what a learner names:
//   spec.template.spec.containers[name=web].env[name=MODE].value
//   spec.rules[host=shop.example.com].http.paths[path=/orders].backend.service.name
//   metadata.annotations["kubernetes.io/change-cause"]
//   metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"].spec.replicas
// (an annotation that holds a JSON object, as kubectl apply's does, is read into)
// One parser serves the reader (evaluate.ts), the field names (field-names.ts) and the schema.

export type PathToken =
  | { type: "key"; key: string }
  | { type: "index"; index: number }
  /** The first list item whose `field` (itself a dotted path) reads as `value`. */
  | { type: "match"; field: string; value: string };

const TOKEN = /\["([^"\]]+)"\]|\[(\d+)\]|\[([A-Za-z0-9_.]+)=([^\]]+)\]|([^.[\]]+)/g;

/** The whole-path grammar, for the schema: a key, then keys, indexes, quoted keys or item matches. */
export const PATH_PATTERN = /^[A-Za-z0-9_$]+(\[\d+\]|\.[A-Za-z0-9_$/-]+|\["[^"\]]+"\]|\[[A-Za-z0-9_.]+=[^\]]+\])*$/;

/**
 * What is wrong with a path, in words an author can act on ("the item selector [name web]
 * needs field=value"), or undefined when PATH_PATTERN accepts it. The schema says this rather
 * than only "does not match the pattern".
 */
export function pathProblem(path: string): string | undefined {
  if (PATH_PATTERN.test(path)) return undefined;
  if (path.trim() === "") return "is empty";
  if (/^[.[]/.test(path)) return `must start with a field name, not ${JSON.stringify(path[0])}`;
  if (/\.\./.test(path) || path.endsWith(".")) return "has an empty field name (two dots in a row, or a dot at the end)";
  const opens = (path.match(/\[/g) ?? []).length;
  const closes = (path.match(/\]/g) ?? []).length;
  if (opens !== closes) return `has ${opens} [ but ${closes} ]: every list item selector needs its closing bracket`;
  for (const [, inside] of path.matchAll(/\[([^\]]*)\]/g)) {
    const text = inside!;
    if (text === "") return "has an empty [] (write an index such as [0] or a selector such as [name=web])";
    if (/^\d+$/.test(text) || /^"[^"\]]+"$/.test(text)) continue;
    if (text.startsWith('"')) return `has an unclosed quoted key [${text}] (write ["key.with/dots"])`;
    const eq = text.indexOf("=");
    if (eq < 0) return `has [${text}], which is neither an index such as [0] nor a selector such as [name=web] (a key with dots goes in quotes: ["${text}"])`;
    const field = text.slice(0, eq);
    const value = text.slice(eq + 1);
    if (field === "") return `has the selector [${text}] with no field before = (write [name=${value || "web"}])`;
    if (!/^[A-Za-z0-9_.]+$/.test(field)) return `has the selector [${text}] whose field ${JSON.stringify(field)} is not a dotted field name`;
    if (value === "") return `has the selector [${text}] with no value after = (write [${field}=web])`;
  }
  if (/\][^.[]/.test(path)) return "needs a dot or [ after a ] (write containers[name=web].image)";
  return "is not a dotted path such as spec.template.spec.containers[name=web].image";
}

export function parsePath(path: string): PathToken[] {
  const tokens: PathToken[] = [];
  for (const [, quoted, index, field, value, plain] of path.matchAll(TOKEN)) {
    if (index !== undefined) tokens.push({ type: "index", index: Number(index) });
    else if (field !== undefined) tokens.push({ type: "match", field, value: value! });
    else tokens.push({ type: "key", key: (quoted ?? plain)! });
  }
  return tokens;
}

function readKeys(object: unknown, dotted: string): unknown {
  let current = object;
  for (const key of dotted.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A string that holds a JSON object (kubectl apply's last-applied-configuration), parsed; else undefined. */
function jsonObjectIn(text: string): Record<string, unknown> | undefined {
  if (!/^\s*\{/.test(text)) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** One step of a path; undefined when the object has no such field or item. */
export function step(current: unknown, token: PathToken): unknown {
  if (typeof current === "string" && token.type === "key") current = jsonObjectIn(current);
  if (current === null || typeof current !== "object") return undefined;
  switch (token.type) {
    case "index":
      return Array.isArray(current) ? current[token.index] : undefined;
    case "match":
      return Array.isArray(current) ? current.find((item) => String(readKeys(item, token.field) ?? "") === token.value) : undefined;
    case "key":
      return (current as Record<string, unknown>)[token.key];
  }
}

/** Reads a path; undefined when any part of it is absent. */
export function readPath(object: unknown, path: string): unknown {
  let current: unknown = object;
  for (const token of parsePath(path)) current = step(current, token);
  return current;
}
