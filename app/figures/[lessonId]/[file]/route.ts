// A lesson's figure as a file. Lesson pages link here instead of inlining the SVG, so a page
// stays small and a figure is fetched once and kept (its URL carries a content version).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { env } from "@/app/_lib/config/env";
import { figureFile } from "@/app/_lib/lessons/source";

const TYPES: Record<string, string> = { ".svg": "image/svg+xml", ".png": "image/png" };

export async function GET(request: Request, { params }: { params: Promise<{ lessonId: string; file: string }> }) {
  const { lessonId, file } = await params;
  const found = figureFile(path.resolve(env().KUBELAB_CONTENT_DIR), lessonId, file);
  if (!found) return new Response("Not found\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  const versioned = new URL(request.url).searchParams.has("v");
  return new Response(new Uint8Array(await readFile(found)), {
    headers: {
      "content-type": TYPES[path.extname(found)]!,
      // A versioned URL never changes content; an unversioned one may, after an edit.
      "cache-control": versioned ? "public, max-age=31536000, immutable" : "public, max-age=60",
      // An SVG opened on its own must not run anything: it is a picture, not a page.
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
      "x-content-type-options": "nosniff",
    },
  });
}
