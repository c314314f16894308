import { z } from "zod";
import { saneDate } from "@/server/core/input/dates";
import { decideRequest, decideRequests } from "@/server/services/requests/decide";
import { getRequest, listCatalog, listMyRequests, requestForm } from "@/server/services/requests/queries";
import { submitRequest } from "@/server/services/requests/submit";
import { cancelRequest, postMessage } from "@/server/services/requests/thread";
import { createTRPCRouter, employeeProcedure } from "../trpc";

const requestId = z.uuid();
const templateKey = z.string().trim().min(1).max(100);

/** Asking for access and deciding it. Who may decide a given request is the service's check, not a role. */
export const requestsRouter = createTRPCRouter({
  catalog: employeeProcedure
    .input(z.strictObject({ search: z.string().trim().max(200).optional() }))
    .query(({ ctx, input }) => listCatalog({ ctx: ctx.service, input })),

  form: employeeProcedure
    .input(z.strictObject({ templateKey }))
    .query(({ ctx, input }) => requestForm({ ctx: ctx.service, input })),

  submit: employeeProcedure
    .input(
      z.strictObject({
        templateKey,
        durationMinutes: z
          .int()
          .min(1)
          .max(60 * 24 * 366 * 5),
        justification: z.string().max(5000),
        requestedStart: saneDate().nullable().default(null),
        fields: z.record(z.string().max(100), z.union([z.string().max(5000), z.boolean()])).default({}),
        ticketReference: z.string().trim().max(200).nullable().default(null),
        extension: z.boolean().default(false),
        /** the IP ranges a vendor template asks the requester to name (checked by the service, by entry) */
        ipAllowList: z.array(z.string().max(100)).max(50).optional(),
      }),
    )
    .mutation(({ ctx, input }) => submitRequest({ ctx: ctx.service, input })),

  mine: employeeProcedure
    .input(
      z.strictObject({ page: z.int().min(1).max(100_000).default(1), pageSize: z.int().min(1).max(100).default(25) }),
    )
    .query(({ ctx, input }) => listMyRequests({ ctx: ctx.service, input })),

  byId: employeeProcedure
    .input(z.strictObject({ requestId }))
    .query(({ ctx, input }) => getRequest({ ctx: ctx.service, input })),

  decide: employeeProcedure
    .input(
      z.strictObject({
        requestId,
        decision: z.enum(["approve", "deny", "needs_info"]),
        note: z.string().max(2000).optional(),
      }),
    )
    .mutation(({ ctx, input }) => decideRequest({ ctx: ctx.service, input })),

  decideMany: employeeProcedure
    .input(
      z.strictObject({
        requestIds: z.array(requestId).min(1).max(100),
        decision: z.enum(["approve", "deny"]),
        note: z.string().max(2000).optional(),
      }),
    )
    .mutation(({ ctx, input }) => decideRequests({ ctx: ctx.service, input })),

  postMessage: employeeProcedure
    .input(z.strictObject({ requestId, body: z.string().max(5000) }))
    .mutation(({ ctx, input }) => postMessage({ ctx: ctx.service, input })),

  cancel: employeeProcedure
    .input(z.strictObject({ requestId }))
    .mutation(({ ctx, input }) => cancelRequest({ ctx: ctx.service, input })),
});
