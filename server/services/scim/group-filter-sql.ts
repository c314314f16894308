import { sql, type SQL } from "drizzle-orm";
import { invalidFilter } from "@/server/core/scim/errors";
import type { Filter, FilterValue } from "@/server/core/scim/filter";
import { directoryGroupMembers, directoryGroups } from "@/server/db/schema";

/**
 * A SCIM filter over Groups as SQL: what identity providers ask before creating or changing a
 * group (`displayName eq`, `externalId eq`, `members[value eq "<user id>"]`, `id eq`), with
 * `eq ne co sw ew pr`, `and or not`. displayName compares case-insensitively (RFC 7643 §4.2);
 * ids and externalId exactly.
 */
export function groupFilterToSql(filter: Filter): SQL {
  switch (filter.kind) {
    case "and":
      return sql`(${groupFilterToSql(filter.left)} and ${groupFilterToSql(filter.right)})`;
    case "or":
      return sql`(${groupFilterToSql(filter.left)} or ${groupFilterToSql(filter.right)})`;
    case "not":
      return sql`(not ${groupFilterToSql(filter.filter)})`;
    case "valuePath":
      if (filter.path.attribute.toLowerCase() !== "members" || filter.path.schema || filter.path.subAttribute)
        throw invalidFilter(`Only members[…] takes a value filter on Groups`);
      return memberFilter(filter.filter);
    case "present":
    case "compare": {
      const name = [filter.path.attribute, filter.path.subAttribute].filter(Boolean).join(".").toLowerCase();
      if (filter.path.schema && filter.path.schema.toLowerCase() !== "urn:ietf:params:scim:schemas:core:2.0:group")
        throw invalidFilter(`Unknown attribute "${filter.path.schema}:${name}"`);
      if (name === "members" || name === "members.value") {
        if (filter.kind === "present") return sql`exists (${members(sql`true`)})`;
        return membersCompare(filter.op, filter.value);
      }
      const column = columns[name];
      if (!column)
        throw invalidFilter(`Unknown attribute "${name}" (Groups filter on displayName, externalId, id, members)`);
      if (filter.kind === "present") return sql`(${column.expr} is not null and ${column.expr} <> '')`;
      return compare(filter.op, column, filter.value);
    }
  }
}

const columns: Record<string, { expr: SQL; caseExact: boolean }> = {
  id: { expr: sql`${directoryGroups.id}::text`, caseExact: true },
  displayname: { expr: sql`${directoryGroups.displayName}`, caseExact: false },
  externalid: { expr: sql`${directoryGroups.externalId}`, caseExact: true },
};

const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function compare(op: string, column: { expr: SQL; caseExact: boolean }, value: FilterValue): SQL {
  if (value === null) return op === "eq" ? sql`(${column.expr} is null)` : sql`(${column.expr} is not null)`;
  if (typeof value !== "string") throw invalidFilter(`Compare ${op} with a string, not ${JSON.stringify(value)}`);
  const v = column.caseExact ? column.expr : sql`lower(${column.expr})`;
  const text = column.caseExact ? value : value.toLowerCase();
  switch (op) {
    case "eq":
      return sql`coalesce(${v} = ${text}, false)`;
    case "ne":
      return sql`not coalesce(${v} = ${text}, false)`;
    case "co":
      return sql`coalesce(${v} like ${`%${likeLiteral(text)}%`}, false)`;
    case "sw":
      return sql`coalesce(${v} like ${`${likeLiteral(text)}%`}, false)`;
    case "ew":
      return sql`coalesce(${v} like ${`%${likeLiteral(text)}`}, false)`;
  }
  throw invalidFilter(`Groups are not ordered: ${op} is not supported here`);
}

const members = (where: SQL) =>
  sql`select 1 from ${directoryGroupMembers} m where m.group_id = ${directoryGroups.id} and ${where}`;

function membersCompare(op: string, value: FilterValue): SQL {
  if (typeof value !== "string") throw invalidFilter(`members.value compares with a User id`);
  if (op === "eq") return sql`exists (${members(sql`m.identity_id::text = ${value}`)})`;
  if (op === "ne") return sql`not exists (${members(sql`m.identity_id::text = ${value}`)})`;
  throw invalidFilter(`members.value supports eq and ne`);
}

/** Inside members[…]: `value eq "<id>"`, joined with and/or/not. */
function memberFilter(filter: Filter): SQL {
  switch (filter.kind) {
    case "and":
      return sql`(${memberFilter(filter.left)} and ${memberFilter(filter.right)})`;
    case "or":
      return sql`(${memberFilter(filter.left)} or ${memberFilter(filter.right)})`;
    case "not":
      return sql`(not ${memberFilter(filter.filter)})`;
    case "compare":
      if (filter.path.attribute.toLowerCase() === "value" && !filter.path.subAttribute)
        return membersCompare(filter.op, filter.value);
      break;
    case "present":
      if (filter.path.attribute.toLowerCase() === "value") return sql`exists (${members(sql`true`)})`;
      break;
  }
  throw invalidFilter('Inside members[…] name the member by value: members[value eq "<id>"]');
}
