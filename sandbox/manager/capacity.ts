// How many labs this host can hold when the operator does not say: the memory the labs may
// use (host memory less a reserve for the server, the database and the kernel) divided by
// one lab's limit.
import { totalmem } from "node:os";

const RESERVED_BYTES = 2 * 1024 ** 3;

export function defaultCapacity(labMemoryBytes: number, hostMemoryBytes = totalmem()): number {
  return Math.max(1, Math.floor((hostMemoryBytes - RESERVED_BYTES) / labMemoryBytes));
}
