import { integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

// The tables Auth.js's Drizzle adapter expects (users, accounts, sessions, verification tokens).
// A user here is a sign-in account; it is tied to an identity by email at every sign-in.

export const authUsers = pgTable("auth_users", {
  id: text()
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID()),
  name: text(),
  email: text().unique(),
  emailVerified: timestamp({ withTimezone: true, mode: "date" }),
  image: text(),
});

export const authAccounts = pgTable(
  "auth_accounts",
  {
    userId: text()
      .notNull()
      .references(() => authUsers.id, { onDelete: "cascade" }),
    type: text().notNull(),
    provider: text().notNull(),
    providerAccountId: text().notNull(),
    refresh_token: text(),
    access_token: text(),
    expires_at: integer(),
    token_type: text(),
    scope: text(),
    id_token: text(),
    session_state: text(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.providerAccountId] })],
);

export const authSessions = pgTable("auth_sessions", {
  sessionToken: text().primaryKey(),
  userId: text()
    .notNull()
    .references(() => authUsers.id, { onDelete: "cascade" }),
  expires: timestamp({ withTimezone: true, mode: "date" }).notNull(),
});

export const authVerificationTokens = pgTable(
  "auth_verification_tokens",
  {
    identifier: text().notNull(),
    token: text().notNull(),
    expires: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.identifier, t.token] })],
);
