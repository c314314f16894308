import { z } from "zod";
import { textLimits } from "@/server/core/input/limits";
import { templateDefinitionSchema } from "@/server/core/requests/template";
import { listApproverGroups, saveApproverGroup } from "@/server/services/requests/groups";
import {
  getTemplate,
  listTemplates,
  previewNotifications,
  saveTemplate,
  setTemplateActive,
} from "@/server/services/requests/templates";
import { createTRPCRouter, itAdminProcedure } from "../trpc";

const key = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "use lowercase letters, digits and dashes")
  .max(textLimits.templateKey);

/** Request templates and approver groups: IT admins keep them. */
export const templatesRouter = createTRPCRouter({
  list: itAdminProcedure.query(({ ctx }) => listTemplates({ ctx: ctx.service })),
  byKey: itAdminProcedure
    .input(z.strictObject({ key }))
    .query(({ ctx, input }) => getTemplate({ ctx: ctx.service, input })),
  save: itAdminProcedure
    .input(
      z.strictObject({
        create: z.boolean(),
        key,
        name: z.string().trim().min(1, "give the template a name").max(textLimits.templateName),
        description: z.string().max(textLimits.templateDescription).default(""),
        definition: templateDefinitionSchema,
      }),
    )
    .mutation(({ ctx, input }) => saveTemplate({ ctx: ctx.service, input })),
  setActive: itAdminProcedure
    .input(z.strictObject({ key, active: z.boolean() }))
    .mutation(({ ctx, input }) => setTemplateActive({ ctx: ctx.service, input })),
  previewNotifications: itAdminProcedure
    .input(
      z.strictObject({
        definition: templateDefinitionSchema,
        requesterEmail: z.email().optional(),
        templateKey: key.optional(),
      }),
    )
    .query(({ ctx, input }) => previewNotifications({ ctx: ctx.service, input })),
  groups: itAdminProcedure.query(({ ctx }) => listApproverGroups({ ctx: ctx.service })),
  saveGroup: itAdminProcedure
    .input(
      z.strictObject({
        key,
        name: z.string().trim().min(1).max(textLimits.groupName),
        description: z.string().max(textLimits.groupDescription).default(""),
        memberEmails: z.array(z.string().max(320)).max(textLimits.groupMembers),
      }),
    )
    .mutation(({ ctx, input }) => saveApproverGroup({ ctx: ctx.service, input })),
});
