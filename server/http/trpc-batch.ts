/**
 * The most calls one tRPC request may batch: the server refuses more with a 400 (maxBatchSize),
 * and the browser's httpBatchLink splits its batches at this size (maxItems), so the UI never sees that.
 */
export const TRPC_MAX_BATCH = 20;
