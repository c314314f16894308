import { z } from "zod";
import { writeAuditCheckpoint } from "@/server/services/audit-checkpoints/checkpoints";
import { listAuditEvents, verifyAuditChain } from "@/server/services/audit-log";
import { auditReadProcedure, createTRPCRouter } from "../trpc";

export const auditLogRouter = createTRPCRouter({
  list: auditReadProcedure
    .input(
      z.strictObject({
        page: z.int().min(1).max(1_000_000).default(1),
        pageSize: z.int().min(1).max(200).default(50),
        action: z.string().max(100).optional(),
        subjectId: z.string().max(200).optional(),
        search: z.string().trim().max(200).optional(),
      }),
    )
    .query(({ ctx, input }) => listAuditEvents({ ctx: ctx.service, input })),

  verifyChain: auditReadProcedure.mutation(({ ctx }) => verifyAuditChain({ ctx: ctx.service })),

  /** Writes a signed checkpoint of the chain's head outside the database now, as the hourly job does. */
  writeCheckpoint: auditReadProcedure.mutation(({ ctx }) => writeAuditCheckpoint({ ctx: ctx.service })),
});
