// Test-file wiring for one shared lab. A lab that cannot start (no Docker engine, no image,
// a cluster that never gets ready) makes every test of the file FAIL with the reason and
// the set-up command that fixes it; a failing beforeAll alone would only mark them skipped.
import { afterAll, beforeAll, beforeEach } from "vitest";
import { Lab, type StartOptions } from "./lab";

export function useLab(opts: StartOptions = {}): () => Lab {
  let lab: Lab | undefined;
  let failure: unknown;
  beforeAll(async () => {
    try {
      lab = await Lab.start(opts);
    } catch (err) {
      failure = err;
    }
  });
  beforeEach(() => {
    if (failure) throw failure;
  });
  afterAll(async () => {
    await lab?.remove();
  });
  return () => {
    if (!lab) throw (failure as Error) ?? new Error("the lab has not been started yet");
    return lab;
  };
}
