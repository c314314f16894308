import { z } from "zod";
import { MAX_PAGE_SIZE } from "@/server/core/lists/cursor";
import {
  exceptionTypes,
  referencesSchema,
  restrictionsSchema,
  typeSettingsBounds,
} from "@/server/core/exceptions/types";
import { saneDate, saneDayOrMoment } from "@/server/core/input/dates";
import { giveBackException, revokeException, revokeExceptions } from "@/server/services/exceptions/end";
import { exceptionsOnMyResources, myTemporaryAccess } from "@/server/services/exceptions/mine";
import { getException, listExceptions } from "@/server/services/exceptions/queries";
import { proposeException, proposeExtension } from "@/server/services/exceptions/propose";
import { allTypeSettings, updateTypeSettings } from "@/server/services/exceptions/settings";
import { auditReadProcedure, createTRPCRouter, employeeProcedure, itAdminProcedure } from "../trpc";

const exceptionId = z.uuid();
const reason = z.string().max(1000);

/** Exceptions: the holder's view, IT's dashboard and actions, auditors' reading. */
export const exceptionsRouter = createTRPCRouter({
  mine: employeeProcedure.query(({ ctx }) => myTemporaryAccess({ ctx: ctx.service })),

  // Exceptions on resources the caller owns (an owner may revoke them).
  onMyResources: employeeProcedure.query(({ ctx }) => exceptionsOnMyResources({ ctx: ctx.service })),

  list: auditReadProcedure
    .input(
      z.strictObject({
        limit: z.int().min(1).max(MAX_PAGE_SIZE).default(25),
        cursor: z.string().max(500).nullish(),
        // sent by the client's infinite query with each cursor; pages only go forward
        direction: z.enum(["forward", "backward"]).optional(),
        expiringWithinDays: z.union([z.literal(7), z.literal(30)]).optional(),
        type: z.enum([...exceptionTypes, "fallback"]).optional(),
        system: z
          .string()
          .trim()
          .regex(/^[a-z][a-z0-9-]*$/)
          .optional(),
        department: z.string().trim().max(200).optional(),
        status: z.enum(["open", "revoke_failed", "ended", "all"]).default("open"),
        search: z.string().trim().max(200).optional(),
      }),
    )
    .query(({ ctx, input }) =>
      listExceptions({ ctx: ctx.service, input: { ...input, cursor: input.cursor ?? undefined } }),
    ),

  // The holder, IT and auditors: the service checks which.
  byId: employeeProcedure
    .input(z.strictObject({ exceptionId }))
    .query(({ ctx, input }) => getException({ ctx: ctx.service, input })),

  // IT proposes; the approver it names decides in their inbox (issue 12). Returns the request.
  propose: itAdminProcedure
    .input(
      z.strictObject({
        identityId: z.uuid(),
        resource: z.string().trim().min(3).max(300),
        level: z.string().trim().min(1).max(60).nullable().default(null),
        type: z.enum(exceptionTypes),
        justification: z.string().max(5000),
        references: referencesSchema.default({}),
        restrictions: restrictionsSchema.default({}),
        approverEmail: z.email(),
        startsAt: saneDate().optional(),
        // A day (access lasts through it, in the organization's zone) or a moment.
        expiresAt: saneDayOrMoment().nullable(),
      }),
    )
    .mutation(({ ctx, input }) => proposeException({ ctx: ctx.service, input })),

  // IT, or the resource's owner: the service checks which.
  revoke: employeeProcedure
    .input(z.strictObject({ exceptionId, reason }))
    .mutation(({ ctx, input }) => revokeException({ ctx: ctx.service, input })),

  revokeMany: itAdminProcedure
    .input(z.strictObject({ exceptionIds: z.array(exceptionId).min(1).max(200), reason }))
    .mutation(({ ctx, input }) => revokeExceptions({ ctx: ctx.service, input })),

  // More time on an exception, proposed to a named approver like a new one.
  proposeExtension: itAdminProcedure
    .input(
      z.strictObject({
        exceptionId,
        durationMinutes: z
          .int()
          .min(5)
          .max(60 * 24 * 366),
        justification: z.string().max(5000),
        approverEmail: z.email(),
      }),
    )
    .mutation(({ ctx, input }) => proposeExtension({ ctx: ctx.service, input })),

  giveBack: employeeProcedure
    .input(z.strictObject({ exceptionId }))
    .mutation(({ ctx, input }) => giveBackException({ ctx: ctx.service, input })),

  typeSettings: itAdminProcedure.query(({ ctx }) => allTypeSettings(ctx.service.db)),

  updateTypeSettings: itAdminProcedure
    .input(
      z.strictObject({
        type: z.enum(exceptionTypes),
        maxDurationMinutes: z
          .int()
          .min(typeSettingsBounds.minDurationMinutes)
          .max(typeSettingsBounds.maxDurationMinutes),
        reminderOffsetsMinutes: z
          .array(z.int().min(1).max(typeSettingsBounds.maxReminderMinutes))
          .max(typeSettingsBounds.maxReminders),
        extensible: z.boolean(),
        escalatedApproverGroup: z.string().trim().min(1).max(100).nullable(),
      }),
    )
    .mutation(({ ctx, input }) => updateTypeSettings({ ctx: ctx.service, input })),
});
