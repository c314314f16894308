import { auditLogRouter } from "./routers/audit-log";
import { identitiesRouter } from "./routers/identities";
import { meRouter } from "./routers/me";
import { policiesRouter } from "./routers/policies";
import { signInRouter } from "./routers/sign-in";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  me: meRouter,
  identities: identitiesRouter,
  auditLog: auditLogRouter,
  policies: policiesRouter,
  signIn: signInRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
