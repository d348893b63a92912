// Who runs the jobs that must run once per installation, not once per server: the warm pool's
// refill, the culler and reconcile (and the class warm-up). Several kubelab servers may share
// one database and one lab engine; two culling or refilling at once would end labs twice or
// warm the pool twice over. The app decides (a PostgreSQL advisory lock, or "always" for
// SQLite's single process) and hands the manager this view of it.
export interface Leadership {
  /** Whether this process runs the installation-wide jobs now. */
  leads(): boolean;
  /** Called when leads() changes. */
  onChange(listener: (leads: boolean) => void): () => void;
  /**
   * Whether other servers may share the table: then a lab another server is booting right
   * now looks, to a leader that just took over, like one a dead process left half-started.
   */
  readonly shared: boolean;
}

/** One process, alone with its database (SQLite): it always leads. */
export const SOLE_LEADER: Leadership = { leads: () => true, onChange: () => () => undefined, shared: false };
