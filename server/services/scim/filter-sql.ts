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
import { identities, scimUserProfiles as profile } from "@/server/db/schema";

/**
 * A SCIM filter as a WHERE clause over identities left-joined to scim_user_profiles. Every
 * attribute a Clearance User has is a column, an expression of one, or the elements of a JSON
 * array (emails, phoneNumbers), so the whole filter runs in PostgreSQL: totalResults and pages
 * are exact and the directory is never loaded into memory. The semantics are those of
 * the in-memory evaluator (server/core/scim/filter-match.ts), which the tests compare it with.
 */
export function filterToSql(filter: Filter, usersUrl: string): SQL {
  return translate(filter, usersUrl, null);
}

type Column =
  | { kind: "text" | "time" | "boolean" | "textArray"; expr: SQL }
  /** one sub-attribute of every value of a multi-valued complex attribute kept as a JSON array */
  | { kind: "elements"; array: SQL; sub: string; type: "text" | "boolean" }
  /** a value every User has the same way (meta.resourceType) */
  | { kind: "constant"; values: unknown[] };

/** Someone no SCIM client has written: their profile is implied by the identity (profile.ts impliedProfile). */
const implied = sql`(${profile.identityId} is null)`;
const orImplied = (fromIdentity: SQL | AnyPgColumn, fromProfile: SQL | AnyPgColumn) =>
  sql`(case when ${implied} then ${fromIdentity} else ${fromProfile} end)`;
const nameJsonPart = (part: string) => sql`(${profile.name} ->> ${part})`;
const jsonArrays: Record<string, SQL> = {
  emails: orImplied(
    sql`jsonb_build_array(jsonb_build_object('value', ${identities.email}, 'type', 'work', 'primary', true))`,
    sql`${profile.emails}`,
  ),
  phoneNumbers: sql`coalesce(${profile.phoneNumbers}, '[]'::jsonb)`,
};
const elementValue = (element: SQL, sub: string, type: "text" | "boolean"): SQL =>
  type === "boolean" ? sql`((${element} ->> ${sub})::boolean)` : sql`(${element} ->> ${sub})`;

// The same trimming and split as splitName in server/core/scim/user.ts.
const trimmedName = sql`regexp_replace(${identities.displayName}, ${"^\\s+|\\s+$"}, '', 'g')`;
const clearanceSet = sql`(${identities.team} is not null or ${identities.location} is not null
  or ${identities.jobLevel} is not null or ${identities.hireDate} is not null
  or cardinality(${identities.trainings}) > 0)`;
const urlOf = (usersUrl: string, id: SQL) => sql`(${`${usersUrl}/`} || ${id}::text)`;

function columnFor(
  schema: UserSchemaUrn,
  attribute: ScimAttribute,
  subAttribute: ScimAttribute | undefined,
  usersUrl: string,
  element?: SQL,
): Column {
  const sub = subAttribute?.name;
  const subType = subAttribute?.type === "boolean" ? "boolean" : "text";
  if (schema === USER_SCHEMA && jsonArrays[attribute.name] && sub) {
    // Inside emails[...] the element at hand; elsewhere any element of the array.
    if (element) return { kind: subType, expr: elementValue(element, sub, subType) };
    return { kind: "elements", array: jsonArrays[attribute.name]!, sub, type: subType };
  }
  const key = `${schema === USER_SCHEMA ? "" : schema === ENTERPRISE_SCHEMA ? "enterprise:" : "clearance:"}${attribute.name}${sub ? `.${sub}` : ""}`;
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
      return text(orImplied(identities.externalId, profile.externalId));
    case "enterprise:employeeNumber":
      return text(orImplied(identities.externalId, profile.employeeNumber));
    case "userName":
      return text(sql`coalesce(${profile.userName}, ${identities.email})`);
    case "displayName":
      return text(orImplied(identities.displayName, profile.displayName));
    case "name":
    case "name.formatted":
      return text(orImplied(identities.displayName, nameJsonPart("formatted")));
    case "name.givenName":
      return text(orImplied(sql`substring(${trimmedName} from ${"^\\S+"})`, nameJsonPart("givenName")));
    case "name.familyName":
      return text(
        orImplied(sql`nullif(regexp_replace(${trimmedName}, ${"^\\S+\\s*"}, ''), '')`, nameJsonPart("familyName")),
      );
    case "name.middleName":
    case "name.honorificPrefix":
    case "name.honorificSuffix":
      return text(orImplied(sql`null::text`, nameJsonPart(sub!)));
    case "title":
      return text(identities.jobTitle);
    case "userType":
      return text(identities.employmentType);
    case "active":
      return { kind: "boolean", expr: sql`(lower(btrim(${identities.employmentStatus})) = 'active')` };
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

/** `exists` one element of the column's array whose sub-attribute satisfies `test`. */
const anyElement = (column: Extract<Column, { kind: "elements" }>, test: (value: SQL) => SQL) =>
  sql`exists (select 1 from jsonb_array_elements(${column.array}) as e(v) where ${test(elementValue(sql`e.v`, column.sub, column.type))})`;

function comparison(op: CompareOperator, column: Column, operand: Operand, attribute: ScimAttribute): SQL {
  if (column.kind === "constant") return valuesMatch(op, column.values, operand, attribute) ? sql`true` : sql`false`;
  if (column.kind === "elements") {
    // Any value for most operators, no value equal for ne, as for arrays below.
    if (operand.type === "null") return op === "eq" ? sql`not ${present(column)}` : present(column);
    const any = anyElement(column, (v) =>
      comparison(op === "ne" ? "eq" : op, { kind: column.type, expr: v }, operand, attribute),
    );
    return op === "ne" ? sql`not ${any}` : any;
  }
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
    case "elements":
      return anyElement(column, (v) =>
        column.type === "text" ? sql`coalesce(${v} <> '', false)` : sql`(${v} is not null)`,
      );
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
  parent: { schema: UserSchemaUrn; attribute: ScimAttribute; element?: SQL } | null,
): SQL {
  switch (filter.kind) {
    case "and":
      return sql`(${translate(filter.left, usersUrl, parent)} and ${translate(filter.right, usersUrl, parent)})`;
    case "or":
      return sql`(${translate(filter.left, usersUrl, parent)} or ${translate(filter.right, usersUrl, parent)})`;
    case "not":
      return sql`(not ${translate(filter.filter, usersUrl, parent)})`;
    case "valuePath": {
      // emails[type eq "work" and value co "@x"]: one element satisfies the whole inner filter.
      const target = resolveValuePath(filter.path);
      if (target.kind === "absent") return sql`false`;
      const array = target.schema === USER_SCHEMA ? jsonArrays[target.attribute.name] : undefined;
      if (!array) return translate(filter.filter, usersUrl, target);
      const inner = translate(filter.filter, usersUrl, { ...target, element: sql`e.v` });
      return sql`exists (select 1 from jsonb_array_elements(${array}) as e(v) where ${inner})`;
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
      const column = columnFor(target.schema, target.attribute, target.subAttribute, usersUrl, parent?.element);
      // name pr: any part of the name (a client may send only givenName), as the in-memory evaluator reads it.
      if (
        filter.kind === "present" &&
        target.schema === USER_SCHEMA &&
        target.attribute.name === "name" &&
        !target.subAttribute
      )
        return orImplied(
          sql`coalesce(${identities.displayName} <> '', false)`,
          sql`coalesce(${profile.name} <> '{}'::jsonb, false)`,
        );
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
