import pino, { type Logger } from "pino";
import { logLevel } from "./config";

/**
 * The structured log: one JSON line per request and per job on stdout (pino), at LOG_LEVEL.
 * Info-level lines carry ids (request, actor, operation), never an email or a name.
 */
const globalKey = Symbol.for("clearance.logger");
type GlobalWithLogger = typeof globalThis & { [globalKey]?: Logger };

export function logger(): Logger {
  // One logger per process: Next.js loads modules in several bundles (as server/db/client.ts says).
  const g = globalThis as GlobalWithLogger;
  return (g[globalKey] ??= pino({
    level: logLevel(),
    base: { instance: process.env.CLEARANCE_INSTANCE_ID },
    // The time as ISO 8601, read by people and by log shippers alike.
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  }));
}

/** Tests read the lines: they give a logger writing to their own stream. */
export function replaceLogger(replacement: Logger): void {
  (globalThis as GlobalWithLogger)[globalKey] = replacement;
}
