// Structured logs (pino). Secrets are redacted by key wherever they appear in a log object.
import pino from "pino";
import { env } from "./config/env";

export const logger = pino({
  level: env().LOG_LEVEL,
  base: { service: "kubelab" },
  redact: { paths: ["token", "*.token", "password", "*.password", "cookie", "*.cookie", "authorization", "*.authorization"], censor: "[redacted]" },
});
