import { z } from "zod";
import { textLimits } from "@/server/core/input/limits";
import { completeManualTask, retryOperation } from "@/server/services/provisioning/operations";
import { enforcementStatus } from "@/server/services/provisioning/enforcement-status";
import { getSystem, listSystems } from "@/server/services/provisioning/systems";
import {
  addSystem,
  configureSystemAdapter,
  editSystem,
  retireSystem,
  testSystemConnection,
} from "@/server/services/provisioning/system-admin";
import { createTRPCRouter, itAdminProcedure } from "../trpc";

const systemKey = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9-]*$/, "a system key");

const adapterSettings = {
  adapterKind: z.enum(["ldap", "postgres", "webhook", "manual"]),
  adapterConfig: z.record(z.string(), z.unknown()),
};
const describedSystem = {
  name: z.string().trim().min(1, "a name").max(textLimits.systemName),
  description: z.string().max(textLimits.systemDescription),
  /** lowest first */
  accessLevels: z
    .array(z.string().max(textLimits.accessLevel))
    .min(1, "at least one access level")
    .max(textLimits.accessLevels),
};

/** Systems for IT: adapters, health, recent operations, failures to retry, manual tasks; add, edit, retire. */
export const systemsRouter = createTRPCRouter({
  list: itAdminProcedure.query(({ ctx }) => listSystems({ ctx: ctx.service })),
  /** Expiry lag and each system's removal backlog (the Systems page). */
  enforcement: itAdminProcedure.query(({ ctx }) => enforcementStatus({ ctx: ctx.service })),
  byKey: itAdminProcedure
    .input(z.strictObject({ systemKey }))
    .query(({ ctx, input }) => getSystem({ ctx: ctx.service, input })),
  configure: itAdminProcedure
    .input(z.strictObject({ systemKey, ...adapterSettings, withoutConnectionTest: z.boolean().optional() }))
    .mutation(({ ctx, input }) => configureSystemAdapter({ ctx: ctx.service, input })),
  add: itAdminProcedure
    .input(
      z.strictObject({
        key: systemKey.max(textLimits.systemKey),
        ...describedSystem,
        ...adapterSettings,
        withoutConnectionTest: z.boolean().optional(),
      }),
    )
    .mutation(({ ctx, input }) => addSystem({ ctx: ctx.service, input })),
  edit: itAdminProcedure
    .input(z.strictObject({ systemKey, ...describedSystem }))
    .mutation(({ ctx, input }) => editSystem({ ctx: ctx.service, input })),
  /** Asks the adapter's health check with settings not saved yet (nothing is written). */
  testConnection: itAdminProcedure
    .input(z.strictObject({ systemKey, ...adapterSettings }))
    .mutation(({ ctx, input }) => testSystemConnection({ ctx: ctx.service, input })),
  retire: itAdminProcedure
    .input(z.strictObject({ systemKey, reason: z.string().trim().min(10, "at least 10 characters").max(1000) }))
    .mutation(({ ctx, input }) => retireSystem({ ctx: ctx.service, input })),
  retryOperation: itAdminProcedure
    .input(z.strictObject({ operationId: z.uuid() }))
    .mutation(({ ctx, input }) => retryOperation({ ctx: ctx.service, input })),
  completeTask: itAdminProcedure
    .input(z.strictObject({ taskId: z.uuid(), note: z.string().max(1000).optional() }))
    .mutation(({ ctx, input }) => completeManualTask({ ctx: ctx.service, input })),
});
