// How many labs this host can hold when the operator does not say: the memory labs may use
// (host memory less a reserve for the server, the database and the kernel) divided by what a
// typical lab uses. The per-lab limit (KUBELAB_LAB_MEMORY_MB, 512 MiB) is a ceiling that
// stops one lab from hurting the others; planning by it would waste most of the host, since
// a sim lab settles at about 250-300 MB (see README → Performance).
import { totalmem } from "node:os";

const RESERVED_BYTES = 2 * 1024 ** 3;
/** The design's memory budget for one sim lab; measured labs stay below it. */
export const TYPICAL_LAB_BYTES = 350 * 1024 ** 2;

export function defaultCapacity(typicalLabBytes = TYPICAL_LAB_BYTES, hostMemoryBytes = totalmem()): number {
  return Math.max(1, Math.floor((hostMemoryBytes - RESERVED_BYTES) / typicalLabBytes));
}
