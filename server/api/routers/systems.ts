import { z } from "zod";
import { completeManualTask, retryOperation } from "@/server/services/provisioning/operations";
import { enforcementStatus } from "@/server/services/provisioning/enforcement-status";
import { configureSystemAdapter, getSystem, listSystems } from "@/server/services/provisioning/systems";
import { createTRPCRouter, itAdminProcedure } from "../trpc";

const systemKey = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9-]*$/, "a system key");

/** Systems for IT: adapters, health, recent operations, failures to retry, manual tasks. */
export const systemsRouter = createTRPCRouter({
  list: itAdminProcedure.query(({ ctx }) => listSystems({ ctx: ctx.service })),
  /** Expiry lag and each system's removal backlog (the Systems page). */
  enforcement: itAdminProcedure.query(({ ctx }) => enforcementStatus({ ctx: ctx.service })),
  byKey: itAdminProcedure
    .input(z.strictObject({ systemKey }))
    .query(({ ctx, input }) => getSystem({ ctx: ctx.service, input })),
  configure: itAdminProcedure
    .input(
      z.strictObject({
        systemKey,
        adapterKind: z.enum(["ldap", "postgres", "webhook", "manual"]),
        adapterConfig: z.record(z.string(), z.unknown()),
      }),
    )
    .mutation(({ ctx, input }) => configureSystemAdapter({ ctx: ctx.service, input })),
  retryOperation: itAdminProcedure
    .input(z.strictObject({ operationId: z.uuid() }))
    .mutation(({ ctx, input }) => retryOperation({ ctx: ctx.service, input })),
  completeTask: itAdminProcedure
    .input(z.strictObject({ taskId: z.uuid(), note: z.string().max(1000).optional() }))
    .mutation(({ ctx, input }) => completeManualTask({ ctx: ctx.service, input })),
});
