import "server-only";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache } from "react";
import { makeQueryClient } from "@/components/providers/query-client";
import { createTRPCContext } from "./context";
import { appRouter, createCaller } from "./root";

const context = cache(async () => createTRPCContext({ headers: await headers() }));

/** One query client per server request, shared by the components that prefetch into it. */
export const getQueryClient = cache(makeQueryClient);

/** For server components: prefetch with trpc.x.queryOptions(), then hydrate on the client. */
export const trpc = createTRPCOptionsProxy({ ctx: context, router: appRouter, queryClient: getQueryClient });

/** For server components that render data directly; authorization is the procedures' own. */
export const api = cache(async () => createCaller(await context()));
