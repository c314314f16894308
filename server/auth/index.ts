import { DrizzleAdapter } from "@auth/drizzle-adapter";
import NextAuth, { type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import type { NextRequest } from "next/server";
import { z } from "zod";
import { devLoginEnabled, oidcSettings } from "@/server/config";
import { isDomainError } from "@/server/core/errors";
import { getDb } from "@/server/db/client";
import { authAccounts, authSessions, authUsers, authVerificationTokens } from "@/server/db/schema";
import { actorForEmail, authorizeSignIn, loadActor, recordSignIn, recordSignOut } from "@/server/services/sign-in";
import { requestInfo } from "./request-info";

export const DEV_LOGIN_PROVIDER = "dev-login";
export const OIDC_PROVIDER = "oidc";
const SESSION_HOURS = 12;

declare module "next-auth" {
  interface Session {
    identityId?: string;
    /** epoch ms of sign-in; sessions older than identities.sessions_valid_after are refused */
    signedInAt?: number;
  }
}
declare module "@auth/core/jwt" {
  interface JWT {
    identityId?: string;
    signedInAt?: number;
  }
}

function providers(): NextAuthConfig["providers"] {
  const list: NextAuthConfig["providers"] = [];
  const oidc = oidcSettings();
  if (oidc) {
    list.push({
      id: OIDC_PROVIDER,
      name: oidc.name,
      type: "oidc",
      issuer: oidc.issuer,
      clientId: oidc.clientId,
      clientSecret: oidc.clientSecret,
      checks: ["pkce", "state", "nonce"],
      authorization: { params: { scope: "openid email profile" } },
    });
  }
  if (devLoginEnabled()) {
    list.push(
      Credentials({
        id: DEV_LOGIN_PROVIDER,
        name: "Development sign-in",
        credentials: { email: { label: "Email", type: "email" } },
        // Who may sign in is decided in the signIn callback below, the same for every provider.
        authorize: (credentials) => {
          const parsed = z.object({ email: z.email() }).safeParse(credentials);
          return parsed.success ? { id: parsed.data.email, email: parsed.data.email } : null;
        },
      }),
    );
  }
  return list;
}

function config(request: NextRequest | undefined): NextAuthConfig {
  const db = getDb();
  const clock = () => new Date();
  const req = requestInfo(request?.headers);
  return {
    adapter: DrizzleAdapter(db, {
      usersTable: authUsers,
      accountsTable: authAccounts,
      sessionsTable: authSessions,
      verificationTokensTable: authVerificationTokens,
    }),
    providers: providers(),
    session: { strategy: "jwt", maxAge: SESSION_HOURS * 3600 },
    pages: { signIn: "/signin", error: "/signin/error" },
    trustHost: true,
    logger: {
      // One line per failure (AccessDenied, InvalidCheck, ...), without Auth.js's stack traces.
      error: (error) => {
        const type = "type" in error && typeof error.type === "string" ? error.type : error.name;
        console.error(`clearance: auth: ${type}: ${error.message.split(". Read more")[0]}`);
      },
      warn: () => {},
    },
    callbacks: {
      async signIn({ user, account, profile }) {
        try {
          await authorizeSignIn({
            ctx: { db, clock, request: req },
            input: { email: profile?.email ?? user.email, provider: account?.provider ?? "unknown" },
          });
          return true;
        } catch (err) {
          if (isDomainError(err)) return false;
          throw err;
        }
      },
      async jwt({ token, user, account, profile }) {
        if (account) {
          // The first call after the signIn callback accepted: bind the session to the identity.
          const actor = await actorForEmail(db, profile?.email ?? user?.email ?? token.email);
          if (!actor) throw new Error("the identity stopped being active during sign-in");
          token.identityId = actor.identityId;
          token.signedInAt = Date.now();
          token.name = actor.displayName;
          token.email = actor.email;
          await recordSignIn({ ctx: { db, clock, actor, request: req }, input: { provider: account.provider } });
        }
        return token;
      },
      session({ session, token }) {
        session.identityId = token.identityId;
        session.signedInAt = token.signedInAt;
        return session;
      },
    },
    events: {
      async signOut(message) {
        const token = "token" in message ? message.token : null;
        if (!token?.identityId) return;
        const actor = await loadActor(db, token.identityId, new Date(token.signedInAt ?? 0));
        if (actor) await recordSignOut({ ctx: { db, clock, actor, request: req } });
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(config);
