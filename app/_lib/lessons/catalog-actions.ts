"use server";
// The catalog's server action: the current learner's progress per lesson (the data layer
// works out who is asking).
import { z } from "zod";
import { validatedAction } from "@/app/_lib/actions/validated-action";
import { myCatalogProgress } from "@/app/_lib/data/catalog-progress";

export const catalogProgressAction = validatedAction(z.undefined(), () => myCatalogProgress(), { name: "catalogProgress" });
