import { z } from "zod";

/** The largest PostgreSQL `integer`: a bigger number compared with an integer column fails the query (22003). */
export const postgresIntegerMax = 2_147_483_647;

/** A serial id (policy versions): positive and within `integer`, so an absurd one is a field error, not a database error. */
export const serialId = () => z.int().min(1).max(postgresIntegerMax);
