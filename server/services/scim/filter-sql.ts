import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { invalidFilter } from "@/server/core/scim/errors";
import type { CompareOperator, Filter } from "@/server/core/scim/filter";
import {
  operandFor,
  resolveFilterPath,
  resolveSubFilterPath,
  resolveValuePath,
  valuesMatch,
  type FilterTarget,
  type Operand,
} from "@/server/core/scim/filter-match";
import {
  CLEARANCE_SCHEMA,
  ENTERPRISE_SCHEMA,
  USER_SCHEMA,
  type ScimAttribute,
  type UserSchemaUrn,
} from "@/server/core/scim/schema";
import { identities } from "@/server/db/schema";

/**
 * A SCIM filter as a WHERE clause over identities. Every attribute a Clearance User has is a
 * column (or an expression of one), so the whole filter runs in PostgreSQL: totalResults and
 * pages are exact and the directory is never loaded into memory. The semantics are those of
 * the in-memory evaluator (server/core/scim/filter-match.ts), which the tests compare it with.
 */
export function filterToSql(filter: Filter, usersUrl: string): SQL {
  return translate(filter, usersUrl, null);
}

type Column =
  | { kind: "text" | "time" | "boolean" | "textArray"; expr: SQL }
  /** a value every User has the same way (emails.type is always "work") */
  | { kind: "constant"; values: unknown[] };

// The same trimming and split as splitName in server/core/scim/user.ts.
const trimmedName = sql`regexp_replace(${identities.displayName}, ${"^\\s+|\\s+$"}, '', 'g')`;
const clearanceSet = sql`(${identities.team} is not null or ${identities.location} is not null
  or ${identities.jobLevel} is not null or ${identities.hireDate} is not null
  or cardinality(${identities.trainings}) > 0)`;
const urlOf = (usersUrl: string, id: SQL) => sql`(${`${usersUrl}/`} || ${id}::text)`;

function columnFor(schema: UserSchemaUrn, attribute: string, sub: string | undefined, usersUrl: string): Column {
  const key = `${schema === USER_SCHEMA ? "" : schema === ENTERPRISE_SCHEMA ? "enterprise:" : "clearance:"}${attribute}${sub ? `.${sub}` : ""}`;
  const text = (expr: SQL | AnyPgColumn): Column => ({ kind: "text", expr: sql`${expr}` });
  switch (key) {
    case "schemas":
      return {
        kind: "textArray",
        expr: sql`(array[${USER_SCHEMA}, ${ENTERPRISE_SCHEMA}]::text[]
          || case when ${clearanceSet} then array[${CLEARANCE_SCHEMA}]::text[] else array[]::text[] end)`,
      };
    case "id":
      return text(sql`${identities.id}::text`);
    case "externalId":
    case "enterprise:employeeNumber":
      return text(identities.externalId);
    case "userName":
    case "emails.value":
      return text(identities.email);
    case "displayName":
    case "name":
    case "name.formatted":
      return text(identities.displayName);
    case "name.givenName":
      return text(sql`substring(${trimmedName} from ${"^\\S+"})`);
    case "name.familyName":
      return text(sql`nullif(regexp_replace(${trimmedName}, ${"^\\S+\\s*"}, ''), '')`);
    case "title":
      return text(identities.jobTitle);
    case "userType":
      return text(identities.employmentType);
    case "active":
      return { kind: "boolean", expr: sql`(lower(btrim(${identities.employmentStatus})) = 'active')` };
    case "emails.type":
      return { kind: "constant", values: ["work"] };
    case "emails.primary":
      return { kind: "constant", values: [true] };
    case "meta":
    case "meta.resourceType":
      return { kind: "constant", values: ["User"] };
    case "meta.created":
      return { kind: "time", expr: sql`${identities.createdAt}` };
    case "meta.lastModified":
      return { kind: "time", expr: sql`${identities.updatedAt}` };
    case "meta.location":
      return text(urlOf(usersUrl, sql`${identities.id}`));
    case "meta.version":
      return text(sql`('W/"' || (extract(epoch from ${identities.updatedAt}) * 1000)::bigint || '"')`);
    case "enterprise:costCenter":
      return text(identities.costCenter);
    case "enterprise:department":
      return text(identities.department);
    case "enterprise:manager.value":
      return text(sql`${identities.managerId}::text`);
    case "enterprise:manager.$ref":
      return text(
        sql`case when ${identities.managerId} is not null then ${urlOf(usersUrl, sql`${identities.managerId}`)} end`,
      );
    case "enterprise:manager.displayName":
      // Only a manager the same source manages shows a name (as users.ts renders it).
      return text(
        sql`(select m.display_name from identities m where m.id = ${identities.managerId} and m.managed_by = ${identities.managedBy})`,
      );
    case "clearance:team":
      return text(identities.team);
    case "clearance:location":
      return text(identities.location);
    case "clearance:jobLevel":
      return text(identities.jobLevel);
    case "clearance:hireDate":
      return text(sql`${identities.hireDate}::text`);
    case "clearance:trainings":
      return { kind: "textArray", expr: sql`${identities.trainings}` };
  }
  throw invalidFilter(`Filtering on ${key} is not supported`);
}

const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** One comparison on one value (`v`), null when the value is null; callers make it definite. */
function compareValue(op: Exclude<CompareOperator, "ne">, v: SQL, operand: Exclude<Operand, { type: "null" }>): SQL {
  if (operand.type === "boolean") return sql`${v} = ${operand.value}`;
  const value = operand.type === "time" ? new Date(operand.value) : operand.value;
  // "C" collation: compare code points, as the in-memory evaluator does, whatever the database locale.
  const ordered = operand.type === "time" ? v : sql`${v} collate "C"`;
  switch (op) {
    case "eq":
      return sql`${v} = ${value}`;
    case "co":
      return sql`${v} like ${`%${likeLiteral(String(value))}%`}`;
    case "sw":
      return sql`${v} like ${`${likeLiteral(String(value))}%`}`;
    case "ew":
      return sql`${v} like ${`%${likeLiteral(String(value))}`}`;
    case "gt":
      return sql`${ordered} > ${value}`;
    case "ge":
      return sql`${ordered} >= ${value}`;
    case "lt":
      return sql`${ordered} < ${value}`;
    case "le":
      return sql`${ordered} <= ${value}`;
  }
}

function comparison(op: CompareOperator, column: Column, operand: Operand, attribute: ScimAttribute): SQL {
  if (column.kind === "constant") return valuesMatch(op, column.values, operand, attribute) ? sql`true` : sql`false`;
  if (operand.type === "null") return op === "eq" ? sql`not ${present(column)}` : present(column);
  const positive = op === "ne" ? "eq" : op;
  const cased = (e: SQL) =>
    (column.kind === "text" || column.kind === "textArray") && !attribute.caseExact ? sql`lower(${e})` : e;
  // Any value for most operators, no value equal for ne (RFC 7644 §3.4.2.2, as filter-match.ts reads it).
  const any =
    column.kind === "textArray"
      ? sql`exists (select 1 from unnest(${column.expr}) as v(x) where ${compareValue(positive, cased(sql`v.x`), operand)})`
      : sql`coalesce(${compareValue(positive, cased(column.expr), operand)}, false)`;
  return op === "ne" ? sql`not ${any}` : any;
}

function present(column: Column): SQL {
  switch (column.kind) {
    case "constant":
      return column.values.length ? sql`true` : sql`false`;
    case "textArray":
      return sql`(cardinality(${column.expr}) > 0)`;
    case "text":
      return sql`coalesce(${column.expr} <> '', false)`;
    default:
      return sql`(${column.expr} is not null)`;
  }
}

function translate(
  filter: Filter,
  usersUrl: string,
  parent: { schema: UserSchemaUrn; attribute: ScimAttribute } | null,
): SQL {
  switch (filter.kind) {
    case "and":
      return sql`(${translate(filter.left, usersUrl, parent)} and ${translate(filter.right, usersUrl, parent)})`;
    case "or":
      return sql`(${translate(filter.left, usersUrl, parent)} or ${translate(filter.right, usersUrl, parent)})`;
    case "not":
      return sql`(not ${translate(filter.filter, usersUrl, parent)})`;
    case "valuePath": {
      // A User has one email, so emails[...] holds when its one value does.
      const target = resolveValuePath(filter.path);
      return target.kind === "absent" ? sql`false` : translate(filter.filter, usersUrl, target);
    }
    case "present":
    case "compare": {
      const target: FilterTarget = parent
        ? resolveSubFilterPath(parent.schema, parent.attribute, filter.path)
        : resolveFilterPath(filter.path);
      if (target.kind === "absent")
        return filter.kind === "compare" && (filter.value === null ? filter.op === "eq" : filter.op === "ne")
          ? sql`true`
          : sql`false`;
      // A complex attribute named whole stands for its "value" (resolveFilterPath), name and meta for themselves.
      const column = columnFor(target.schema, target.attribute.name, target.subAttribute?.name, usersUrl);
      if (filter.kind === "present") return present(column);
      return comparison(
        filter.op,
        column,
        operandFor(filter.op, filter.value, target.compared, target.name),
        target.compared,
      );
    }
  }
}
