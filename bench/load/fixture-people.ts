import { randomUUID } from "node:crypto";
import type pg from "pg";
import { buildOrg, generateIdentities } from "../org";
import { Rng } from "../rng";
import { copyRows } from "./copy";

/**
 * The 9,700 people beside the demo organization's 305 (10,005 in all), drawn from bench/org.ts's
 * synthetic company and written with COPY. Reporting lines are shaped for the benchmark:
 * the first LEADS people each manage ~200 others (the decision mix's approvers: the sandbox
 * template asks the manager), the next MANAGERS manage the rest; leads and managers report to the
 * demo CTO. Everyone a request is made for is active.
 */

export const BULK_PEOPLE = 9_700;
export const LEADS = 16;
export const MANAGERS = 384;

export interface BulkPerson {
  id: string;
  email: string;
  department: string;
  status: string;
  index: number;
}

const FIRST = ["Ava", "Ben", "Chidi", "Dana", "Eitan", "Farah", "Goran", "Hina", "Igor", "Jun", "Kemi", "Luis"];
const LAST = ["Abbott", "Barros", "Cheng", "Dahl", "Eze", "Fontaine", "Gill", "Haas", "Ishii", "Jovanovic", "Kerr"];

/** Lead i's reports are bulk people LEADS + MANAGERS + k with k % LEADS === i, for k below LEAD_SPAN. */
export const LEAD_SPAN = LEADS * 200;

export function managerIndex(i: number): number | null {
  if (i < LEADS + MANAGERS) return null;
  const k = i - LEADS - MANAGERS;
  return k < LEAD_SPAN ? k % LEADS : LEADS + (k % MANAGERS);
}

export async function copyPeople(client: pg.ClientBase, ctoId: string, now: Date): Promise<BulkPerson[]> {
  const rng = new Rng(14_014);
  const org = buildOrg(rng);
  const generated = generateIdentities(org, BULK_PEOPLE, rng);
  const people: BulkPerson[] = generated.map((g, i) => {
    // Leads, managers and the decision mix's requesters are active; the rest keep the generator's mix.
    const status = i < LEADS + MANAGERS + LEAD_SPAN ? "Active" : String(g.attributes.employment_status).trim();
    return {
      id: randomUUID(),
      email: `load.${String(i).padStart(5, "0")}@company.com`,
      department: String(g.attributes.department).trim(),
      status,
      index: i,
    };
  });
  const rows = generated.map((g, i) => {
    const p = people[i]!;
    const a = g.attributes;
    const m = managerIndex(i);
    const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]} ${i}`;
    return [
      p.id,
      `load-${i}`,
      p.email,
      name,
      p.department,
      String(a.job_title).trim(),
      String(a.team),
      String(a.location).trim(),
      String(a.employment_type),
      p.status,
      String(a.job_level),
      String(a.hire_date),
      m === null ? ctoId : people[m]!.id,
      String(a.cost_center),
      a.trainings as string[],
      now,
      now,
    ];
  });
  await copyRows(
    client,
    "identities",
    [
      "id",
      "external_id",
      "email",
      "display_name",
      "department",
      "job_title",
      "team",
      "location",
      "employment_type",
      "employment_status",
      "job_level",
      "hire_date",
      "manager_id",
      "cost_center",
      "trainings",
      "created_at",
      "updated_at",
    ],
    rows,
  );
  // The leads and managers are approvers on the portal, like the demo's managers.
  await client.query(
    `insert into portal_role_assignments (identity_id, role, granted_at, granted_by)
     select unnest($1::uuid[]), 'approver', $2, 'system:load-bench'`,
    [people.slice(0, LEADS + MANAGERS).map((p) => p.id), now],
  );
  return people;
}
