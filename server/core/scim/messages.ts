import { DomainError } from "../errors";
import { ERROR_SCHEMA, LIST_RESPONSE_SCHEMA } from "./schema";
import { invalidValue, type ScimType } from "./errors";

/** RFC 7644 §3.4.2 ListResponse: startIndex is 1-based, itemsPerPage is what this page holds. */
export function listResponse<T>(resources: T[], totalResults: number, startIndex = 1) {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

/** RFC 7644 §3.12 Error: status is a string, scimType only where a keyword applies. */
export function errorBody(status: number, detail: string, scimType?: ScimType) {
  return { schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail };
}

/**
 * startIndex and count of a list request (RFC 7644 §3.4.2.4): startIndex below 1 counts as 1,
 * a negative count as 0; count defaults to 100 and is capped at `max`.
 */
export function readPage(
  startIndex: string | null,
  count: string | null,
  max: number,
): { startIndex: number; count: number } {
  const integer = (name: string, text: string | null, fallback: number) => {
    if (text === null || text.trim() === "") return fallback;
    if (!/^-?\d+$/.test(text.trim())) throw invalidValue(name, `must be an integer, not "${text}"`);
    return Number(text);
  };
  return {
    startIndex: Math.max(1, integer("startIndex", startIndex, 1)),
    count: Math.min(max, Math.max(0, integer("count", count, DEFAULT_COUNT))),
  };
}

export const DEFAULT_COUNT = 100;

/**
 * If-Match (RFC 7644 §3.14): a write based on another version of a resource is refused with 412.
 * `*` or no header means "whatever it is now"; tags compare without their weak prefix.
 */
export function checkIfMatch(resourceType: "User" | "Group", current: string, ifMatch: string | null | undefined) {
  if (!ifMatch || ifMatch.trim() === "*") return;
  const strip = (tag: string) => tag.trim().replace(/^W\//, "");
  if (!ifMatch.split(",").some((tag) => strip(tag) === strip(current)))
    throw new DomainError(
      "PRECONDITION_FAILED",
      `The ${resourceType} changed since version ${ifMatch.trim()}; it is now ${current}`,
      { field: "If-Match" },
    );
}
