import { sql } from "drizzle-orm";
import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { hrSources } from "./hr";
import { identities } from "./identities";

const at = () => timestamp({ withTimezone: true, mode: "date" });

/**
 * A directory group a source sends (SCIM /Groups: Entra ID and Okta push them). Its name is what
 * policies match (`groups: { includes: [platform-oncall] }`); names are unique within a source,
 * case-insensitively. Members are people the same source manages.
 */
export const directoryGroups = pgTable(
  "directory_groups",
  {
    id: uuid().primaryKey().defaultRandom(),
    managedBy: text()
      .notNull()
      .references(() => hrSources.key),
    displayName: text().notNull(),
    externalId: text(),
    createdAt: at().notNull(),
    updatedAt: at().notNull(),
  },
  (t) => [
    uniqueIndex("directory_groups_source_name_key").on(t.managedBy, sql`lower(${t.displayName})`),
    index("directory_groups_managed_by_idx").on(t.managedBy),
    index("directory_groups_external_id_idx").on(t.externalId),
  ],
);

/** Who is in a group; a person's `groups` attribute (identities.groups) is the names of theirs. */
export const directoryGroupMembers = pgTable(
  "directory_group_members",
  {
    groupId: uuid()
      .notNull()
      .references(() => directoryGroups.id, { onDelete: "cascade" }),
    identityId: uuid()
      .notNull()
      .references(() => identities.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.identityId] }),
    index("directory_group_members_identity_idx").on(t.identityId),
  ],
);
