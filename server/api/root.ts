import { aliasesRouter } from "./routers/aliases";
import { auditLogRouter } from "./routers/audit-log";
import { exceptionsRouter } from "./routers/exceptions";
import { hrRouter } from "./routers/hr";
import { driftRouter } from "./routers/drift";
import { lifecycleRouter } from "./routers/lifecycle";
import { reportsRouter } from "./routers/reports";
import { fallbacksRouter } from "./routers/fallbacks";
import { portalRolesRouter } from "./routers/portal-roles";
import { resourcesRouter } from "./routers/resources";
import { systemsRouter } from "./routers/systems";
import { workRouter } from "./routers/work";
import { setupRouter } from "./routers/setup";
import { delegationsRouter } from "./routers/delegations";
import { inboxRouter } from "./routers/inbox";
import { notificationsRouter } from "./routers/notifications";
import { requestsRouter } from "./routers/requests";
import { templatesRouter } from "./routers/templates";
import { identitiesRouter } from "./routers/identities";
import { meRouter } from "./routers/me";
import { organizationRouter } from "./routers/organization";
import { migrationRouter } from "./routers/migration";
import { policiesRouter } from "./routers/policies";
import { signInRouter } from "./routers/sign-in";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  me: meRouter,
  organization: organizationRouter,
  identities: identitiesRouter,
  aliases: aliasesRouter,
  auditLog: auditLogRouter,
  policies: policiesRouter,
  migration: migrationRouter,
  signIn: signInRouter,
  requests: requestsRouter,
  inbox: inboxRouter,
  templates: templatesRouter,
  delegations: delegationsRouter,
  notifications: notificationsRouter,
  exceptions: exceptionsRouter,
  portalRoles: portalRolesRouter,
  systems: systemsRouter,
  resources: resourcesRouter,
  work: workRouter,
  setup: setupRouter,
  fallbacks: fallbacksRouter,
  reports: reportsRouter,
  hr: hrRouter,
  drift: driftRouter,
  lifecycle: lifecycleRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
