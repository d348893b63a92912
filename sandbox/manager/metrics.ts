// Prometheus metrics for labs and terminals (prom-client), served at /metrics by server.ts.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export function createLabMetrics(registry = new Registry()) {
  collectDefaultMetrics({ register: registry, prefix: "kubelab_process_" });
  return {
    registry,
    labs: new Gauge({ name: "kubelab_labs", help: "Labs by state", labelNames: ["state"], registers: [registry] }),
    labReady: new Histogram({
      name: "kubelab_lab_ready_seconds",
      help: "Time from request to a ready lab: warm (claimed from the pool), cold (started for a learner), pool (warming the pool)",
      labelNames: ["kind"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 6, 8, 10, 15, 20, 30, 60],
      registers: [registry],
    }),
    queueLength: new Gauge({ name: "kubelab_lab_queue_length", help: "Learners waiting for capacity", registers: [registry] }),
    culls: new Counter({ name: "kubelab_lab_culls_total", help: "Labs ended other than by their learner", labelNames: ["reason"], registers: [registry] }),
    engineUp: new Gauge({ name: "kubelab_lab_engine_up", help: "1 while the lab engine answers and has the lab image (labs can start), else 0", registers: [registry] }),
    leader: new Gauge({ name: "kubelab_leader", help: "1 while this server runs the warm pool, culler and reconcile (one server of several does), else 0", registers: [registry] }),
    terminals: new Gauge({ name: "kubelab_terminal_connections", help: "Open terminal WebSocket connections", registers: [registry] }),
    echo: new Histogram({
      name: "kubelab_terminal_echo_seconds",
      help: "Time from a learner's input written to their shell to its next output, as the server sees it: the engine's exec stream, the lab and this process's wait to read it; not the network or the browser",
      buckets: [0.002, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
export type LabMetrics = ReturnType<typeof createLabMetrics>;
