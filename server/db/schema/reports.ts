import { sql } from "drizzle-orm";
import { bigint, check, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { identities } from "./identities";

const at = () => timestamp({ withTimezone: true, mode: "date" });

/** An export too large to stream while someone waits: written to a file by the worker, with progress. */
export const reportExports = pgTable(
  "report_exports",
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: text().notNull(),
    format: text().notNull(),
    filters: jsonb().notNull().default({}),
    status: text().notNull().default("queued"),
    /** rows written so far, and how many there are (counted when the job starts) */
    rows: integer().notNull().default(0),
    totalRows: integer(),
    bytes: bigint({ mode: "number" }).notNull().default(0),
    filePath: text(),
    error: text(),
    requestedBy: text().notNull(),
    /** The person who started it: the only one who may see its progress or download it. */
    requestedById: uuid().references(() => identities.id, { onDelete: "set null" }),
    requestedAt: at().notNull(),
    startedAt: at(),
    finishedAt: at(),
  },
  (t) => [
    check("report_exports_status", sql`${t.status} in ('queued', 'running', 'done', 'failed')`),
    check("report_exports_format", sql`${t.format} in ('csv', 'json')`),
    index("report_exports_queued_idx")
      .on(t.requestedAt)
      .where(sql`${t.status} = 'queued'`),
  ],
);
