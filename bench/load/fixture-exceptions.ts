import type pg from "pg";
import { Rng } from "../rng";
import { copyRows, type Cell } from "./copy";

/**
 * 20,000 exceptions over the year, written with COPY: most ended (expired and removed, a few
 * revoked), about 1,500 still open with expiries over the next three months, so the exceptions
 * dashboard, its counts and the exception log have a year's worth to read.
 */

export const EXCEPTIONS = 20_000;
const OPEN = 1_500;
const TYPES = ["project", "privilege_escalation", "training", "role_transition", "vendor"];
const DAY = 86_400_000;

export async function copyExceptions(
  client: pg.ClientBase,
  holders: string[],
  approverId: string,
  now: Date,
  count = EXCEPTIONS,
): Promise<void> {
  const rng = new Rng(14_202);
  const { rows: resources } = await client.query<{ key: string }>("select key from resources order by key");
  const keys = resources.map((r) => r.key);
  function* rows(): Generator<Cell[]> {
    for (let i = 0; i < count; i++) {
      const open = i >= count - OPEN;
      const starts = open
        ? new Date(now.getTime() - rng.between(1, 60) * DAY)
        : new Date(now.getTime() - 365 * DAY + Math.floor((i / count) * 330 * DAY));
      const expires = open
        ? new Date(now.getTime() + rng.between(1, 90) * DAY + rng.int(DAY))
        : new Date(starts.getTime() + rng.between(1, 30) * DAY);
      const revoked = !open && rng.chance(0.05);
      const ended = open
        ? null
        : revoked
          ? new Date(starts.getTime() + (expires.getTime() - starts.getTime()) / 2)
          : expires;
      yield [
        holders[rng.int(holders.length)]!,
        keys[rng.int(keys.length)]!,
        "admin",
        TYPES[rng.int(TYPES.length)]!,
        `Needed for project ${1000 + rng.int(9000)} until it ships`,
        approverId,
        starts,
        "system:load-bench",
        starts,
        starts,
        expires,
        open ? "active" : "removed",
        starts,
        ended,
        open ? null : revoked ? "revoked" : "expired",
        open ? null : "system:load-bench",
        ended,
      ];
    }
  }
  await copyRows(
    client,
    "access_exceptions",
    [
      "identity_id",
      "resource_key",
      "source",
      "type",
      "justification",
      "approver_id",
      "approved_at",
      "created_by",
      "created_at",
      "starts_at",
      "expires_at",
      "status",
      "delivered_at",
      "ended_at",
      "end_reason",
      "ended_by",
      "removal_delivered_at",
    ],
    rows(),
  );
}
