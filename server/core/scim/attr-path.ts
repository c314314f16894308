import { invalidFilter, ScimError } from "./errors";

/** An attribute path as written (RFC 7644 §3.10): an optional schema URN, an attribute, an optional sub-attribute. */
export interface AttrPath {
  schema?: string;
  attribute: string;
  subAttribute?: string;
}

const ATTRIBUTE_NAME = /^(\$ref|[A-Za-z][A-Za-z0-9_-]*)$/;

/**
 * Splits `urn:…:User:manager.value` into schema, attribute and sub-attribute. The URN ends at
 * the last colon (URNs contain dots, as in "2.0", so the split on dots comes after).
 */
export function parseAttrPath(text: string, fail: (message: string) => ScimError = invalidFilter): AttrPath {
  let schema: string | undefined;
  let rest = text;
  if (/^urn:/i.test(text)) {
    const colon = text.lastIndexOf(":");
    schema = text.slice(0, colon);
    rest = text.slice(colon + 1);
  }
  const parts = rest.split(".");
  if (parts.length > 2 || !parts.every((p) => ATTRIBUTE_NAME.test(p))) throw fail(`"${text}" is not an attribute path`);
  return { ...(schema ? { schema } : {}), attribute: parts[0]!, ...(parts[1] ? { subAttribute: parts[1] } : {}) };
}

/** The path written back, for messages. */
export const formatAttrPath = (p: AttrPath) =>
  `${p.schema ? `${p.schema}:` : ""}${p.attribute}${p.subAttribute ? `.${p.subAttribute}` : ""}`;
