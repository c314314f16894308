import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { OperationalFigures } from "@/server/services/operations/figures";

/**
 * The metrics /api/metrics serves (prom-client). Call durations are this process's own; the
 * figures read from the database (queues, enforcement lag, exceptions, requests, adapter calls)
 * are set from readOperationalFigures() just before each scrape is rendered.
 */
function createProcessMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const on = { registers: [registry] };
  return {
    registry,
    callDuration: new Histogram({
      name: "clearance_call_duration_seconds",
      help: "Duration of tRPC procedure calls and API requests on this instance, by procedure and status",
      labelNames: ["procedure", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      ...on,
    }),
    queueDepth: new Gauge({
      name: "clearance_job_queue_depth",
      help: "Work due now and not yet taken, per queue (pg-boss schedules, provisioning, mail, audit chain)",
      labelNames: ["queue"] as const,
      ...on,
    }),
    queueAge: new Gauge({
      name: "clearance_job_queue_oldest_age_seconds",
      help: "Seconds since the oldest item waiting in the queue was due",
      labelNames: ["queue"] as const,
      ...on,
    }),
    enforcementLag: new Gauge({
      name: "clearance_enforcement_lag_seconds",
      help: "Now minus the expiry of the oldest exception past its expiry and not yet ended (0: none)",
      ...on,
    }),
    openExceptions: new Gauge({ name: "clearance_open_exceptions", help: "Exceptions not yet ended", ...on }),
    pendingRequests: new Gauge({
      name: "clearance_pending_requests",
      help: "Requests waiting for a decision (pending or waiting for information)",
      ...on,
    }),
    adapterCalls: new Counter({
      name: "clearance_adapter_calls_total",
      help: "Calls made to adapters by all instances, per system, call and outcome (done, waiting, error)",
      labelNames: ["system", "call", "outcome"] as const,
      ...on,
    }),
    adapterSeconds: new Counter({
      name: "clearance_adapter_call_duration_seconds_total",
      help: "Total time spent in adapter calls by all instances, per system, call and outcome",
      labelNames: ["system", "call", "outcome"] as const,
      ...on,
    }),
    instancesWithJobs: new Gauge({
      name: "clearance_instances_with_jobs",
      help: "Instances whose jobs reported running within the last 30 seconds",
      ...on,
    }),
  };
}

export type ProcessMetrics = ReturnType<typeof createProcessMetrics>;

const globalKey = Symbol.for("clearance.metrics");
type GlobalWithMetrics = typeof globalThis & { [globalKey]?: ProcessMetrics };

/** One registry per process (Next.js loads modules in several bundles). */
export function processMetrics(): ProcessMetrics {
  const g = globalThis as GlobalWithMetrics;
  return (g[globalKey] ??= createProcessMetrics());
}

/** Sets the database's figures; labels that are gone (a queue emptied and removed) go with them. */
export function setOperationalFigures(m: ProcessMetrics, f: OperationalFigures): void {
  m.queueDepth.reset();
  m.queueAge.reset();
  for (const q of f.queues) {
    m.queueDepth.set({ queue: q.queue }, q.depth);
    m.queueAge.set({ queue: q.queue }, q.oldestAgeSeconds);
  }
  m.enforcementLag.set(f.enforcementLagSeconds);
  m.openExceptions.set(f.openExceptions);
  m.pendingRequests.set(f.pendingRequests);
  m.instancesWithJobs.set(f.instancesWithJobs);
  // Counted over the whole log in the database: set to the total, which only grows.
  m.adapterCalls.reset();
  m.adapterSeconds.reset();
  for (const c of f.adapterCalls) {
    const labels = { system: c.system, call: c.call, outcome: c.outcome };
    m.adapterCalls.inc(labels, c.count);
    m.adapterSeconds.inc(labels, c.durationSecondsSum);
  }
}
