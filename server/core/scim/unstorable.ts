import { findUnstorableValue } from "../input/storable";
import { invalidValue } from "./errors";

/** A body path as SCIM names attributes: `emails[0].value`, `urn:…:clearance:2.0:User:team`, `Operations[1].value`. */
export function scimAttributePath(path: (string | number)[]): string {
  let out = "";
  path.forEach((segment, i) => {
    const previous = path[i - 1];
    if (typeof segment === "number") out += `[${segment}]`;
    else if (i === 0) out = segment;
    else out += typeof previous === "string" && previous.startsWith("urn:") ? `:${segment}` : `.${segment}`;
  });
  return out || "body";
}

/** In a PATCH, a value is named by its operation's path ("title", "emails[0].value"), as the client wrote it. */
function attributeOf(body: unknown, path: (string | number)[]): string {
  const [operations, index, value, ...rest] = path;
  if (operations === "Operations" && typeof index === "number" && value === "value") {
    const opPath = (body as { Operations?: { path?: unknown }[] }).Operations?.[index]?.path;
    const tail = rest.length ? scimAttributePath(rest) : "";
    // The operation's own path only when it can be echoed (a NUL in it is reported as Operations[i].path).
    if (typeof opPath === "string" && opPath && !findUnstorableValue(opPath)) {
      if (!tail) return opPath;
      return tail.startsWith("[") ? `${opPath}${tail}` : `${opPath}.${tail}`;
    }
    if (tail) return tail;
  }
  return scimAttributePath(path);
}

/** Refuses a SCIM body holding what PostgreSQL cannot store as sent, as a 400 invalidValue naming the attribute. */
export function refuseUnstorableScimValues(body: unknown): void {
  const found = findUnstorableValue(body);
  if (found) throw invalidValue(attributeOf(body, found.path), found.problem);
}
