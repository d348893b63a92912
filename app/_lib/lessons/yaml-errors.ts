// Turns a schema failure in a YAML file into a LessonError that points at the line of the
// offending value, so authors of front matter and exercise specs are told where to look.
import type { z } from "zod";
import { type Document, isNode, type LineCounter } from "yaml";
import { LessonError } from "./errors";

/** `lineOffset`: lines before the YAML starts in the file (e.g. the opening --- of front matter). */
export function yamlSchemaError(file: string, doc: Document, lineCounter: LineCounter, error: z.ZodError, lineOffset = 0): LessonError {
  const issue = error.issues[0]!;
  // The deepest node that exists on the issue's path: a missing key points at its parent.
  let line = 1;
  for (let depth = issue.path.length; depth >= 0; depth--) {
    const node = doc.getIn(issue.path.slice(0, depth) as (string | number)[], true);
    if (isNode(node) && node.range) {
      line = lineCounter.linePos(node.range[0]).line;
      break;
    }
  }
  const field = issue.path.length ? issue.path.join(".") : issue.code === "unrecognized_keys" ? issue.keys.join(", ") : "(root)";
  return new LessonError(file, issue.message, line + lineOffset, field);
}
