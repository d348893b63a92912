// One SQLite connection serves the whole process (better-sqlite3 is synchronous). Prisma's
// adapter makes interactive transactions wait for each other, but a plain query that arrives
// while a transaction is open runs on the same connection INSIDE that transaction: a sign-in's
// new session would be rolled back with someone else's failed merge. Here every statement
// outside a transaction waits for the open transaction to end, and transactions wait for each
// other, in arrival order; a transaction's own statements go through its own object, unqueued.
// (Code inside a transaction must use its `tx`, never the outer client: that would wait for itself.)
import type { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";

type Factory = PrismaBetterSqlite3;
type Adapter = Awaited<ReturnType<Factory["connect"]>>;
type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;

/** A first-come, first-served lock: acquire() resolves to its release. */
function queue() {
  let tail: Promise<void> = Promise.resolve();
  return function acquire(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const ready = tail.then(() => release);
    tail = tail.then(() => mine);
    return ready;
  };
}

function serialized(inner: Adapter): Adapter {
  const acquire = queue();
  const one = async <T>(work: () => Promise<T>): Promise<T> => {
    const release = await acquire();
    try {
      return await work();
    } finally {
      release();
    }
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query: Parameters<Adapter["queryRaw"]>[0]) => one(() => inner.queryRaw(query)),
    executeRaw: (query: Parameters<Adapter["executeRaw"]>[0]) => one(() => inner.executeRaw(query)),
    executeScript: (script: string) => one(() => inner.executeScript(script)),
    startTransaction: async (isolationLevel?: Parameters<Adapter["startTransaction"]>[0]): Promise<Transaction> => {
      const release = await acquire();
      let tx: Transaction;
      try {
        tx = await inner.startTransaction(isolationLevel);
      } catch (error) {
        release();
        throw error;
      }
      let released = false;
      const done = () => {
        if (!released) (released = true), release();
      };
      const commit = tx.commit.bind(tx);
      const rollback = tx.rollback.bind(tx);
      tx.commit = () => commit().finally(done);
      tx.rollback = () => rollback().finally(done);
      return tx;
    },
    ...(inner.getConnectionInfo ? { getConnectionInfo: () => inner.getConnectionInfo!() } : {}),
    dispose: () => inner.dispose(),
  };
}

/** The adapter factory with every connection it makes serialized as above. */
export function serializedFactory(factory: Factory): Factory {
  const wrapped: Factory = Object.create(factory);
  wrapped.connect = async () => serialized(await factory.connect());
  wrapped.connectToShadowDb = async () => serialized(await factory.connectToShadowDb());
  return wrapped;
}
