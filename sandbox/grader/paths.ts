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
