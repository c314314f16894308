import { alias } from "drizzle-orm/pg-core";
import { accessExceptions, identities } from "@/server/db/schema";

/** The person an exception is for, and the one who approved it, as the lists join them. */
export const holder = alias(identities, "holder");
export const approver = alias(identities, "approver");

/** What every list of exceptions shows first: which exception, of what, and how it stands. */
export const exceptionHeadline = {
  id: accessExceptions.id,
  number: accessExceptions.number,
  resourceKey: accessExceptions.resourceKey,
  level: accessExceptions.level,
  type: accessExceptions.type,
  status: accessExceptions.status,
};
