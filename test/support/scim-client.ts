import { expect } from "vitest";
import {
  createUser,
  deleteUser,
  getUser,
  listUsers,
  patchUser,
  replaceUser,
  resourceTypeDocument,
  resourceTypesDocument,
  schemaDocument,
  schemasDocument,
  otherScimPath,
  searchUsers,
  serviceProviderConfigDocument,
} from "@/server/api/scim";
import { createGroup, deleteGroup, getGroup, listGroups, patchGroup, replaceGroup } from "@/server/api/scim-groups";
import type { Db } from "@/server/db/client";
import { expectValidUser } from "./scim";

export const SCIM_BASE = "http://clearance.test/api/scim/v2";

export interface ScimReply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON the tests pick apart
  body: any;
}

/**
 * A SCIM client for tests: builds a real Request, hands it to the route handler the Next.js route
 * would call, checks the content type, and validates every User in the answer with scimmy.
 */
export function scimClient(db: Db, clock: () => Date, defaultToken: () => string) {
  const deps = { db, clock };
  return async function call(
    method: string,
    path: string,
    body?: unknown,
    opts: { token?: string | null; headers?: Record<string, string> } = {},
  ): Promise<ScimReply> {
    const token = opts.token === undefined ? defaultToken() : opts.token;
    const headers: Record<string, string> = {
      "content-type": "application/scim+json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...opts.headers,
    };
    const request = new Request(`${SCIM_BASE}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const [resource, id] = new URL(request.url).pathname.replace("/api/scim/v2/", "").split("/");
    const response = await route(request, method, resource!, id);
    const text = await response.text();
    if (text) expect(response.headers.get("content-type")).toBe("application/scim+json");
    const reply: ScimReply = {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : null,
    };
    // A User cut down by attributes/excludedAttributes need not hold what the schema requires.
    const asked = (body ?? {}) as { attributes?: unknown; excludedAttributes?: unknown };
    const projected =
      /[?&](attributes|excludedAttributes)=/.test(path) ||
      (path.includes(".search") && (asked.attributes !== undefined || asked.excludedAttributes !== undefined));
    if (reply.status < 300 && resource === "Users" && !projected) {
      if (Array.isArray(reply.body?.Resources)) reply.body.Resources.forEach((u: unknown) => expectValidUser(u));
      else if (reply.body) expectValidUser(reply.body);
    }
    return reply;
  };

  function route(
    request: Request,
    method: string,
    resource: string,
    id: string | undefined,
  ): Promise<Response> | Response {
    // As the routes under app/api/scim/v2 dispatch (their catch-all answers any other path).
    if (resource === "ServiceProviderConfig") return serviceProviderConfigDocument(request);
    if (resource === "ResourceTypes") return id ? resourceTypeDocument(request, id) : resourceTypesDocument(request);
    if (resource === "Schemas") return id ? schemaDocument(request, id) : schemasDocument(request);
    if (resource === "Groups") {
      if (!id) return method === "POST" ? createGroup(request, deps) : listGroups(request, deps);
      const handler = { GET: getGroup, PUT: replaceGroup, PATCH: patchGroup, DELETE: deleteGroup }[method];
      if (!handler) throw new Error(`no ${method} on /Groups/{id}`);
      return handler(request, id, deps);
    }
    if (resource !== "Users") return otherScimPath(request, [resource, ...(id ? [id] : [])].filter(Boolean), deps);
    if (id === ".search" && method === "POST") return searchUsers(request, deps);
    if (!id) return method === "POST" ? createUser(request, deps) : listUsers(request, deps);
    const handler = { GET: getUser, PUT: replaceUser, PATCH: patchUser, DELETE: deleteUser }[method];
    if (!handler) throw new Error(`no ${method} on /Users/{id}`);
    return handler(request, id, deps);
  }
}

/**
 * SCIM clients for several sources at once (an Entra ID and an Okta token, say), each call a
 * minute of the clock after the last so that every write has its own lastModified, hence its own ETag.
 */
export function sourceClients<S extends string>(
  db: () => Db,
  clock: { (): Date; advance(minutes: number): void },
  tokens: Partial<Record<S, string>>,
) {
  return (source: S) =>
    (...args: Parameters<ReturnType<typeof scimClient>>) => {
      clock.advance(1);
      return scimClient(db(), clock, () => tokens[source]!)(...args);
    };
}
