// One instance per process of something every copy of a module must share. Next bundles its
// own copy of each module (server components, route handlers, server actions) beside the one
// server.ts loaded under tsx, so a module-level `const` would exist several times: the database
// client, the lab runtime, caches, event buses and limits live here instead, on globalThis,
// under one key each. Not server-only: server.ts uses it too.
const registry = globalThis as unknown as { kubelabSingletons?: Map<string, unknown> };

function instances(): Map<string, unknown> {
  registry.kubelabSingletons ??= new Map();
  return registry.kubelabSingletons;
}

/** The process's one `key`, made by `make` the first time any copy of any module asks. */
export function processSingleton<T>(key: string, make: () => T): T {
  const all = instances();
  if (!all.has(key)) all.set(key, make());
  return all.get(key) as T;
}

/** A slot set once by its owner (server.ts publishes the lab runtime) and read by the rest. */
export function processSlot<T>(key: string): { get(): T | undefined; set(value: T): void } {
  return {
    get: () => instances().get(key) as T | undefined,
    set: (value) => void instances().set(key, value),
  };
}
