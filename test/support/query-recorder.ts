import type pg from "pg";
import { createDrizzle, type Db } from "@/server/db/client";

export interface RecordedQuery {
  text: string;
  values: unknown[];
  /** rows the query returned to Node */
  rows: number;
}

/**
 * A Drizzle handle over `pool` that records every query it sends and how many rows came back,
 * to assert how much a read fetched (a preview reads its page and one more, not a batch).
 */
export function recordingDb(pool: pg.Pool): { db: Db; queries: RecordedQuery[] } {
  const queries: RecordedQuery[] = [];
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<{ rows?: unknown[] }>;
  const proxy = new Proxy(pool, {
    get(target, key, receiver) {
      if (key !== "query") return Reflect.get(target, key, receiver) as unknown;
      return async (...args: unknown[]) => {
        const [q, v] = args as [string | { text: string; values?: unknown[] }, unknown[] | undefined];
        const result = await query(...args);
        queries.push({
          text: typeof q === "string" ? q : q.text,
          values: (typeof q === "string" ? v : (q.values ?? v)) ?? [],
          rows: Array.isArray(result?.rows) ? result.rows.length : 0,
        });
        return result;
      };
    },
  });
  return { db: createDrizzle(proxy), queries };
}
