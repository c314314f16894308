import { initTRPC } from "@trpc/server";
import { ZodError } from "zod";
import type { Actor, Clock } from "@/server/core/actor";
import { DomainError, isDomainError } from "@/server/core/errors";
import { describeUnstorable, fieldOf, findUnstorableValue } from "@/server/core/input/storable";
import { hasAnyRole, type PortalRole } from "@/server/core/roles";
import type { Db } from "@/server/db/client";
import { recordRefusedAccess } from "@/server/services/access";
import type { PersonContext } from "@/server/services/context";
import { recordCall } from "@/server/http/observe";
import { TRPC_MAX_BATCH } from "@/server/http/trpc-batch";
import { toTRPCError } from "./errors";
import { transformer } from "./fast-superjson";

/** Per request: the database, the clock, where the request came from, and who is signed in. */
export interface TRPCContext {
  db: Db;
  clock: Clock;
  actor: Extract<Actor, { type: "identity" }> | null;
  request: { ip: string | null; userAgent: string | null };
  /** for the log line of each call (server/http/request-id.ts) */
  requestId?: string;
}

const t = initTRPC.context<TRPCContext>().create({
  // superjson both ways, as the browser's link expects; answers are written by a faster walk (fast-superjson.ts).
  transformer,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    if (cause instanceof ZodError) {
      const first = cause.issues[0];
      const field = first?.path.join(".") || null;
      return {
        ...shape,
        message: cause.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; "),
        data: { ...shape.data, field, stack: undefined },
      };
    }
    if (error.code === "INTERNAL_SERVER_ERROR") {
      // Never show a raw error to a client; the server log has it.
      console.error(`clearance: ${shape.data.path ?? "trpc"}: ${error.cause?.stack ?? error.stack}`);
      return {
        ...shape,
        message: "Something went wrong on the server",
        data: { ...shape.data, field: null, stack: undefined },
      };
    }
    if (error.code === "BAD_REQUEST" && error.message === "Batch call exceeds maximum size") {
      // tRPC's own refusal of a batch over maxBatchSize (server/api/trpc-route.ts), said plainly.
      return {
        ...shape,
        message: `A request may batch at most ${TRPC_MAX_BATCH} calls`,
        data: { ...shape.data, field: "batch", stack: undefined },
      };
    }
    const domain = isDomainError(cause) ? cause : null;
    // retryAfterSeconds: how long a RATE_LIMITED caller waits (the HTTP answer also says Retry-After).
    return {
      ...shape,
      data: {
        ...shape.data,
        field: domain?.field ?? null,
        ...(domain?.retryAfterSeconds ? { retryAfterSeconds: domain.retryAfterSeconds } : {}),
        stack: undefined,
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isDomainError(result.error.cause)) throw toTRPCError(result.error.cause);
  return result;
});

/**
 * Input PostgreSQL cannot store as sent (a NUL, an unpaired surrogate, a date centuries away, ...)
 * is refused with the field named before any schema or service sees it: one guard for every
 * procedure, so no procedure can forget it and answer 500 from the database.
 */
const refuseUnstorableInput = t.middleware(async ({ getRawInput, next }) => {
  const found = findUnstorableValue(await getRawInput());
  if (found) throw toTRPCError(new DomainError("INVALID_INPUT", describeUnstorable(found), { field: fieldOf(found) }));
  return next();
});

/** Each call's duration and status into /api/metrics and one log line (server/http/observe.ts). */
const observeCall = t.middleware(async ({ ctx, path, next }) => {
  const started = performance.now();
  const result = await next();
  recordCall({
    procedure: path,
    status: result.ok ? "ok" : result.error.code,
    durationMs: performance.now() - started,
    requestId: ctx.requestId,
    actorId: ctx.actor?.identityId,
  });
  return result;
});

const checkedProcedure = t.procedure.use(observeCall).use(mapDomainErrors);

/** Callable without a session. Only for what the sign-in page itself needs. */
export const publicProcedure = checkedProcedure.use(refuseUnstorableInput);

/**
 * Deny by default: every procedure that needs a person names the roles that may call it.
 * Signed out → UNAUTHORIZED; signed in without one of the roles → FORBIDDEN, recorded.
 */
export function roleProcedure(...allowed: [PortalRole, ...PortalRole[]]) {
  // Who may call comes first; only then is the input looked at.
  const authorized = checkedProcedure.use(async ({ ctx, next, path }) => {
    if (!ctx.actor) throw toTRPCError(new DomainError("UNAUTHENTICATED", "Sign in to continue"));
    const service: PersonContext = { db: ctx.db, clock: ctx.clock, actor: ctx.actor, request: ctx.request };
    if (!hasAnyRole(ctx.actor.roles, allowed)) {
      await recordRefusedAccess({
        ctx: service,
        input: { subjectType: "procedure", subjectId: path, allowedRoles: allowed },
      });
      throw toTRPCError(new DomainError("FORBIDDEN", "Your portal roles do not include this section"));
    }
    return next({ ctx: { ...ctx, actor: ctx.actor, service } });
  });
  return authorized.use(refuseUnstorableInput);
}

export const employeeProcedure = roleProcedure("employee");
export const itAdminProcedure = roleProcedure("it_admin");
export const auditReadProcedure = roleProcedure("it_admin", "auditor");
