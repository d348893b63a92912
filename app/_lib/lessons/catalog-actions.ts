"use server";
// The catalog's server action: the current learner's progress per lesson (the data layer
// works out who is asking).
import { myCatalogProgress } from "@/app/_lib/data/catalog-progress";

export async function catalogProgressAction() {
  return myCatalogProgress();
}
