// Any path under a locale that no page matches gets that locale's 404 page.
import { notFound } from "next/navigation";

export default function CatchAll() {
  notFound();
}
