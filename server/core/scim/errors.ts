import { DomainError, type DomainErrorCode } from "../errors";

/** The RFC 7644 §3.12 detail keywords Clearance answers with. */
export type ScimType =
  | "invalidFilter"
  | "invalidSyntax"
  | "invalidPath"
  | "invalidValue"
  | "noTarget"
  | "mutability"
  | "uniqueness"
  | "tooMany";

/**
 * A DomainError that also carries the SCIM keyword, so the SCIM routes can tell a client
 * which rule it broke; everywhere else it is an ordinary DomainError (one error path).
 */
export class ScimError extends DomainError {
  readonly scimType: ScimType;

  constructor(scimType: ScimType, message: string, options: { field?: string; code?: DomainErrorCode } = {}) {
    super(options.code ?? (scimType === "uniqueness" ? "CONFLICT" : "INVALID_INPUT"), message, {
      field: options.field,
    });
    this.name = "ScimError";
    this.scimType = scimType;
  }
}

export const isScimError = (err: unknown): err is ScimError => err instanceof ScimError;

export const invalidFilter = (message: string) => new ScimError("invalidFilter", message, { field: "filter" });
export const invalidSyntax = (message: string, field?: string) => new ScimError("invalidSyntax", message, { field });
export const invalidValue = (field: string, message: string) =>
  new ScimError("invalidValue", `${field}: ${message}`, { field });
