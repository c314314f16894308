import { z } from "zod";
import { MAX_PAGE_SIZE } from "@/server/core/lists/cursor";
import { writeAuditCheckpoint } from "@/server/services/audit-checkpoints/checkpoints";
import { listAuditEvents, verifyAuditChain } from "@/server/services/audit-log";
import { auditReadProcedure, createTRPCRouter } from "../trpc";

export const auditLogRouter = createTRPCRouter({
  list: auditReadProcedure
    .input(
      z.strictObject({
        limit: z.int().min(1).max(MAX_PAGE_SIZE).default(MAX_PAGE_SIZE),
        cursor: z.string().max(30).nullish(),
        // sent by the client's infinite query with each cursor; pages only go forward
        direction: z.enum(["forward", "backward"]).optional(),
        action: z.string().max(100).optional(),
        subjectId: z.string().max(200).optional(),
        search: z.string().trim().max(200).optional(),
      }),
    )
    .query(({ ctx, input }) =>
      listAuditEvents({ ctx: ctx.service, input: { ...input, cursor: input.cursor ?? undefined } }),
    ),

  verifyChain: auditReadProcedure.mutation(({ ctx }) => verifyAuditChain({ ctx: ctx.service })),

  /** Writes a signed checkpoint of the chain's head outside the database now, as the hourly job does. */
  writeCheckpoint: auditReadProcedure.mutation(({ ctx }) => writeAuditCheckpoint({ ctx: ctx.service })),
});
