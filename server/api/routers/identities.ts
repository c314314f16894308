import { z } from "zod";
import {
  getIdentity,
  identitySortKeys,
  listAttributeHistory,
  listIdentities,
  listIdentityFacets,
} from "@/server/services/identities";
import { createTRPCRouter, itAdminProcedure } from "../trpc";

const page = z.int().min(1).max(100_000).default(1);
const pageSize = z.int().min(1).max(100).default(25);

export const identitiesRouter = createTRPCRouter({
  list: itAdminProcedure
    .input(
      z.strictObject({
        page,
        pageSize,
        search: z.string().trim().max(200).optional(),
        department: z.string().max(200).optional(),
        status: z.string().max(100).optional(),
        sort: z.enum(identitySortKeys).default("name"),
        direction: z.enum(["asc", "desc"]).default("asc"),
      }),
    )
    .query(({ ctx, input }) => listIdentities({ ctx: ctx.service, input })),

  facets: itAdminProcedure.query(({ ctx }) => listIdentityFacets({ ctx: ctx.service })),

  byId: itAdminProcedure
    .input(z.strictObject({ id: z.uuid() }))
    .query(({ ctx, input }) => getIdentity({ ctx: ctx.service, input })),

  attributeHistory: itAdminProcedure
    .input(z.strictObject({ identityId: z.uuid(), page, pageSize }))
    .query(({ ctx, input }) => listAttributeHistory({ ctx: ctx.service, input })),
});
