import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { ScimMultiValue, ScimName } from "@/server/core/scim/profile";
import { identities } from "./identities";

/**
 * A person as their SCIM client sees them, beside the identity Clearance decides access with
 * (issue 16): userName is any unique string, separate from the sign-in email, and emails, phone
 * numbers and the name keep what the client sent. A person a source manages without a row here
 * (added by HR events, handed over) reads as before: userName is their email. `deletedAt`: the
 * client deleted the User (RFC 7644 §3.6: then 404); the identity stays, terminated, for audit.
 */
export const scimUserProfiles = pgTable(
  "scim_user_profiles",
  {
    identityId: uuid()
      .primaryKey()
      .references(() => identities.id, { onDelete: "cascade" }),
    userName: text().notNull(),
    externalId: text(),
    displayName: text(),
    name: jsonb().$type<ScimName>(),
    emails: jsonb().$type<ScimMultiValue[]>().notNull().default([]),
    phoneNumbers: jsonb().$type<ScimMultiValue[]>().notNull().default([]),
    employeeNumber: text(),
    deletedAt: timestamp({ withTimezone: true, mode: "date" }),
  },
  (t) => [
    // RFC 7643 §4.1.1: userName is unique, case-insensitively; a deleted User's name is free again.
    uniqueIndex("scim_user_profiles_user_name_key")
      .on(sql`lower(${t.userName})`)
      .where(sql`${t.deletedAt} is null`),
    index("scim_user_profiles_external_id_idx").on(t.externalId),
  ],
);
