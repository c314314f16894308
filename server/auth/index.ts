import { DrizzleAdapter } from "@auth/drizzle-adapter";
import NextAuth, { type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { headers } from "next/headers";
import type { NextRequest } from "next/server";
import { z } from "zod";
import { devLoginEnabled, oidcSettings } from "@/server/config";
import { isDomainError } from "@/server/core/errors";
import { getDb } from "@/server/db/client";
import { authAccounts, authSessions, authUsers, authVerificationTokens } from "@/server/db/schema";
import { actorForIdentity, endSession, startSession } from "@/server/services/sessions";
import { findIdentityByEmail } from "@/server/services/identity-lookup";
import { authorizeSignIn } from "@/server/services/sign-in";
import { servedOverHttps } from "@/server/http/security-headers";
import { authCookies } from "./cookie-options";
import { requestInfo } from "./request-info";

export const DEV_LOGIN_PROVIDER = "dev-login";
export const OIDC_PROVIDER = "oidc";
export const SESSION_SECONDS = 12 * 3600;

declare module "next-auth" {
  interface Session {
    /** The portal_sessions row this cookie stands for; checked on every request. */
    sessionId?: string;
  }
}
declare module "@auth/core/jwt" {
  interface JWT {
    sessionId?: string;
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
      // People are matched to identities by email; a new subject for the same email is the same person.
      allowDangerousEmailAccountLinking: true,
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

const verifiedClaim = (value: unknown): boolean | null =>
  value === true || value === "true" ? true : value === false || value === "false" ? false : null;

async function config(request: NextRequest | undefined): Promise<NextAuthConfig> {
  const db = getDb();
  const clock = () => new Date();
  // Route handlers pass the request; server actions (dev sign-in, sign-out) have headers().
  const requestHeaders = request?.headers ?? (await headers().catch(() => undefined));
  const req = requestInfo(requestHeaders);
  const https = servedOverHttps(requestHeaders ?? null);
  const adapter = DrizzleAdapter(db, {
    usersTable: authUsers,
    accountsTable: authAccounts,
    sessionsTable: authSessions,
    verificationTokensTable: authVerificationTokens,
  });
  return {
    adapter: {
      ...adapter,
      // Sessions are ours (portal_sessions); the provider's tokens are never needed, so never kept.
      linkAccount: (account) =>
        adapter.linkAccount!({ ...account, access_token: undefined, refresh_token: undefined, id_token: undefined }),
    },
    providers: providers(),
    session: { strategy: "jwt", maxAge: SESSION_SECONDS },
    pages: { signIn: "/signin", error: "/signin/error" },
    trustHost: true,
    // Secure, __Host- cookies whenever the site is served over HTTPS (see cookie-options.ts).
    useSecureCookies: https,
    cookies: authCookies(https),
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
            input: {
              email: profile?.email ?? user.email,
              emailVerified: verifiedClaim(profile?.email_verified),
              provider: account?.provider ?? "unknown",
              name: typeof profile?.name === "string" ? profile.name : (user.name ?? null),
            },
          });
          return true;
        } catch (err) {
          if (isDomainError(err)) return false;
          throw err;
        }
      },
      async jwt({ token, user, account, profile }) {
        if (account) {
          // The first call after the signIn callback accepted: open the portal session.
          const email = profile?.email ?? user?.email ?? token.email ?? "";
          const identity = await findIdentityByEmail(db, email);
          const actor = identity && (await actorForIdentity(db, identity.id));
          if (!actor) throw new Error("the identity stopped being active during sign-in");
          token.sessionId = await startSession({
            ctx: { db, clock, actor, request: req },
            input: { provider: account.provider, lifetimeSeconds: SESSION_SECONDS },
          });
          token.name = actor.displayName;
          token.email = actor.email;
        }
        return token;
      },
      session({ session, token }) {
        session.sessionId = token.sessionId;
        return session;
      },
    },
    events: {
      async signOut(message) {
        const sessionId = "token" in message ? message.token?.sessionId : undefined;
        if (sessionId) await endSession({ ctx: { db, clock, request: req }, input: { sessionId } });
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(config);
