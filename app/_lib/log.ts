// Structured logs (pino). Secrets are redacted by key wherever they appear in a log object.
import pino from "pino";

export const logger = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: { service: "kubelab" },
  redact: { paths: ["token", "*.token", "password", "*.password", "cookie", "*.cookie", "authorization", "*.authorization"], censor: "[redacted]" },
});
