import autocannon from "autocannon";
import { percentile } from "../measure";

/**
 * One autocannon run against one URL. autocannon's own histogram has no p95, so every
 * response's latency is kept (a 20 s run at a few hundred requests/s is a few thousand numbers)
 * and the percentiles are computed here. Errors are connection errors plus non-2xx answers;
 * timeouts (no answer within 10 s) are counted apart.
 */

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
  timeouts: number;
  /** the first non-2xx status seen, to say what went wrong */
  firstBadStatus: number | null;
}

export interface LoadSpec {
  urls: string[];
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  connections: number;
  seconds: number;
}

function runOne(spec: LoadSpec, url: string, connections: number, latencies: number[], bad: { status: number | null }) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: spec.method,
        headers: spec.headers,
        body: spec.body,
        connections,
        duration: spec.seconds,
        timeout: 10,
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
      if ((statusCode < 200 || statusCode > 299) && bad.status === null) bad.status = statusCode;
    });
  });
}

/** Loads every URL at once with the connections split between them (two instances: half each). */
export async function load(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  const bad = { status: null as number | null };
  const per = Math.max(1, Math.round(spec.connections / spec.urls.length));
  const results = await Promise.all(spec.urls.map((u) => runOne(spec, u, per, latencies, bad)));
  const sum = (f: (r: autocannon.Result) => number) => results.reduce((s, r) => s + f(r), 0);
  const requests = latencies.length;
  const seconds = Math.max(...results.map((r) => r.duration));
  return {
    requests,
    rps: requests / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors: sum((r) => r.errors - r.timeouts),
    non2xx: sum((r) => r.non2xx),
    timeouts: sum((r) => r.timeouts),
    firstBadStatus: bad.status,
  };
}
