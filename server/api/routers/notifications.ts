import { z } from "zod";
import { listNotifications, listOutbox, markRead, unreadNotificationCount } from "@/server/services/notifications";
import { createTRPCRouter, employeeProcedure, itAdminProcedure } from "../trpc";

const page = z.int().min(1).max(100_000).default(1);
const pageSize = z.int().min(1).max(100).default(25);

export const notificationsRouter = createTRPCRouter({
  list: employeeProcedure
    .input(z.strictObject({ page, pageSize, unreadOnly: z.boolean().default(false) }))
    .query(({ ctx, input }) => listNotifications({ ctx: ctx.service, input })),
  unreadCount: employeeProcedure.query(({ ctx }) => unreadNotificationCount({ ctx: ctx.service })),
  markRead: employeeProcedure
    .input(z.strictObject({ id: z.int().positive().optional() }))
    .mutation(({ ctx, input }) => markRead({ ctx: ctx.service, input })),
  /** Mail sent or waiting; without SMTP_URL this is where development mail can be read. */
  outbox: itAdminProcedure
    .input(z.strictObject({ page, pageSize }))
    .query(({ ctx, input }) => listOutbox({ ctx: ctx.service, input })),
});
