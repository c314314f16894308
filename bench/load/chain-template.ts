/**
 * Links a fixture template's unlinked audit events in place (a template built before fixture.ts
 * chained them itself): `node --import tsx bench/load/chain-template.ts`. Runs take the template as is.
 */
import pg from "pg";
import { AUDIT_KEYS } from "./settings";

process.env.CLEARANCE_AUDIT_KEYS = AUDIT_KEYS;
const { createDrizzle } = await import("@/server/db/client");
const { chainAuditEvents } = await import("@/server/services/audit-sequencer");
const { appUrl, templateName } = await import("./database");

const pool = new pg.Pool({ connectionString: appUrl(templateName()), max: 2 });
const t = Date.now();
const { chained } = await chainAuditEvents({ db: createDrizzle(pool) });
console.log(`${templateName()}: ${chained} events chained in ${((Date.now() - t) / 1000).toFixed(1)} s`);
await pool.end();
