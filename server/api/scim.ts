import "server-only";
import { systemActor } from "@/server/core/actor";
import { DomainError, isDomainError } from "@/server/core/errors";
import {
  resourceTypeById,
  resourceTypes,
  schemaById,
  schemas,
  serviceProviderConfig,
} from "@/server/core/scim/discovery";
import { invalidSyntax, isScimError } from "@/server/core/scim/errors";
import { project, type Projection } from "@/server/core/scim/projection";
import { readListQuery, readSearchRequest, type ListQuery } from "@/server/core/scim/search";
import { errorBody } from "@/server/core/scim/messages";
import { refuseUnstorableScimValues } from "@/server/core/scim/unstorable";
import { scimAttributeOf } from "@/server/core/scim/user";
import { requestInfo } from "@/server/auth/request-info";
import { getDb, type Db } from "@/server/db/client";
import type { SourceContext } from "@/server/services/context";
import { createScimUserInBatch } from "@/server/services/scim/user-batches";
import {
  deleteScimUser,
  getScimUser,
  listScimUsers,
  patchScimUser,
  replaceScimUser,
} from "@/server/services/scim/users";
import { readBodyText } from "@/server/http/body";
import { bodyLimits } from "@/server/http/limits";
import { httpStatusOf } from "./errors";
import { authenticateTokenRequest } from "./token-auth";

/**
 * /api/scim/v2: a SCIM 2.0 service provider (RFC 7643/7644) for identity providers (Okta,
 * Entra ID) to push people. Authenticated with an HR source's bearer token, like HR events;
 * answers application/scim+json, and errors in the RFC 7644 §3.12 form.
 */
const SCIM_JSON = "application/scim+json";

export const scimJson = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": SCIM_JSON, ...headers } });

/** The DomainError as a SCIM Error; errors from the identity services name the SCIM attribute at fault. */
function errorResponse(err: DomainError): Response {
  const status = httpStatusOf(err);
  const scimType = isScimError(err)
    ? err.scimType
    : err.code === "INVALID_INPUT"
      ? "invalidValue"
      : err.code === "CONFLICT"
        ? "uniqueness"
        : undefined;
  const attribute =
    !isScimError(err) && err.field ? scimAttributeOf[err.field as keyof typeof scimAttributeOf] : undefined;
  const detail = attribute ? `${attribute}: ${err.message}` : err.message;
  const headers: Record<string, string> = status === 401 ? { "www-authenticate": 'Bearer realm="Clearance SCIM"' } : {};
  if (err.retryAfterSeconds) headers["retry-after"] = String(err.retryAfterSeconds);
  return scimJson(errorBody(status, detail, scimType), status, headers);
}

/** /api/scim/v2 as the client reaches it (CLEARANCE_PUBLIC_URL or AUTH_URL behind a proxy). */
const baseUrlOf = (request: Request) =>
  `${(process.env.CLEARANCE_PUBLIC_URL ?? process.env.AUTH_URL ?? new URL(request.url).origin).replace(/\/$/, "")}/api/scim/v2`;

export async function readJson(request: Request): Promise<unknown> {
  const text = await readBodyText(request, bodyLimits.scim);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalidSyntax("The body is not JSON", "body");
  }
  refuseUnstorableScimValues(body);
  return body;
}

export interface Deps {
  db?: Db;
  clock?: () => Date;
}

/** Runs `handle` for the HR source the bearer token belongs to, answering DomainErrors as SCIM Errors. */
export async function asHrSource(
  request: Request,
  deps: Deps,
  handle: (ctx: SourceContext, usersUrl: string) => Promise<Response>,
): Promise<Response> {
  const db = deps.db ?? getDb();
  try {
    // The token (and the address's rate limits) before any body is read.
    const { source } = await authenticateTokenRequest(request, { db, clock: deps.clock ?? (() => new Date()) });
    const ctx: SourceContext = {
      db,
      clock: deps.clock ?? (() => new Date()),
      actor: systemActor(`scim:${source.key}`),
      sourceKey: source.key,
      request: requestInfo(request.headers),
    };
    return await handle(ctx, `${baseUrlOf(request)}/Users`);
  } catch (err) {
    if (isDomainError(err)) return errorResponse(err);
    throw err;
  }
}

/** A User with the ETag and (created) Location of the whole resource, carrying what the request asked for. */
const userResponse = (projection: Projection, user: Record<string, unknown>, status = 200) => {
  const meta = user.meta as { version: string; location: string };
  return scimJson(project(user, projection), status, {
    etag: meta.version,
    ...(status === 201 ? { location: meta.location } : {}),
  });
};

/**
 * attributes/excludedAttributes of the request's query apply to every answer with Users (RFC 7644
 * §3.9); read before anything is written, so a bad list changes nothing.
 */
const projectionOf = (request: Request) => readListQuery(new URL(request.url).searchParams).projection;

async function listed(ctx: SourceContext, usersUrl: string, query: ListQuery) {
  const { filter, startIndex, count } = query;
  const list = await listScimUsers({ ctx, input: { usersUrl, filter, startIndex, count } });
  return scimJson({ ...list, Resources: list.Resources.map((u) => project(u, query.projection)) });
}

/** GET /Users?filter=&startIndex=&count=&attributes=&excludedAttributes= (sortBy is ignored). */
export function listUsers(request: Request, deps: Deps = {}) {
  return asHrSource(request, deps, async (ctx, usersUrl) =>
    listed(ctx, usersUrl, readListQuery(new URL(request.url).searchParams)),
  );
}

/** POST /Users/.search and POST /.search (RFC 7644 §3.4.3): the same list, asked in a SearchRequest body. */
export function searchUsers(request: Request, deps: Deps = {}) {
  return asHrSource(request, deps, async (ctx, usersUrl) =>
    listed(ctx, usersUrl, readSearchRequest(await readJson(request))),
  );
}

/** POST /Users: 201 with the User, its Location and ETag. */
export function createUser(request: Request, deps: Deps = {}) {
  return asHrSource(request, deps, async (ctx, usersUrl) => {
    const projection = projectionOf(request);
    return userResponse(
      projection,
      await createScimUserInBatch({ ctx, input: { usersUrl, body: await readJson(request) } }),
      201,
    );
  });
}

/** GET /Users/{id}: 304 when If-None-Match names the current version. */
export function getUser(request: Request, id: string, deps: Deps = {}) {
  return asHrSource(request, deps, async (ctx, usersUrl) => {
    const projection = projectionOf(request);
    const user = await getScimUser({ ctx, input: { usersUrl, id } });
    const version = (user.meta as { version: string }).version;
    if (
      request.headers
        .get("if-none-match")
        ?.split(",")
        .some((tag) => tag.trim() === version)
    )
      return new Response(null, { status: 304, headers: { etag: version } });
    return userResponse(projection, user);
  });
}

export function replaceUser(request: Request, id: string, deps: Deps = {}) {
  return asHrSource(request, deps, async (ctx, usersUrl) => {
    const projection = projectionOf(request);
    return userResponse(
      projection,
      await replaceScimUser({
        ctx,
        input: { usersUrl, id, ifMatch: request.headers.get("if-match"), body: await readJson(request) },
      }),
    );
  });
}

export function patchUser(request: Request, id: string, deps: Deps = {}) {
  return asHrSource(request, deps, async (ctx, usersUrl) => {
    const projection = projectionOf(request);
    return userResponse(
      projection,
      await patchScimUser({
        ctx,
        input: { usersUrl, id, ifMatch: request.headers.get("if-match"), body: await readJson(request) },
      }),
    );
  });
}

/** DELETE /Users/{id}: a termination (see deleteScimUser), 204. */
export function deleteUser(request: Request, id: string, deps: Deps = {}) {
  return asHrSource(request, deps, async (ctx) => {
    await deleteScimUser({ ctx, input: { id, ifMatch: request.headers.get("if-match") } });
    return new Response(null, { status: 204 });
  });
}

// The discovery documents are the same for everyone and say nothing about people, so they are
// served without a token (RFC 7644 §4 lets the service provider choose).
export const serviceProviderConfigDocument = (request: Request) => scimJson(serviceProviderConfig(baseUrlOf(request)));
export const resourceTypesDocument = (request: Request) => scimJson(resourceTypes(baseUrlOf(request)));
export const schemasDocument = (request: Request) => scimJson(schemas(baseUrlOf(request)));

const notFound = (what: string) => errorResponse(new DomainError("NOT_FOUND", what));

export const resourceTypeDocument = (request: Request, id: string) => {
  const found = resourceTypeById(baseUrlOf(request), id);
  return found ? scimJson(found) : notFound(`No resource type ${id}: this service provider has User`);
};

export const schemaDocument = (request: Request, id: string) => {
  const found = schemaById(baseUrlOf(request), id);
  return found ? scimJson(found) : notFound(`No schema ${id}`);
};

/** Any other path under /api/scim/v2: a SCIM error, never the portal's HTML page. */
export const unknownEndpoint = (request: Request) => notFound(`No SCIM endpoint ${new URL(request.url).pathname}`);

/** What RFC 7644 lets a service provider leave out, as a SCIM error (e.g. /Me, §3.11). */
export const notImplemented = (detail: string) => scimJson(errorBody(501, detail), 501);

/** A method an endpoint does not have, as a SCIM error naming the ones it has. */
export const methodNotAllowed = (allowed: string[]) => () =>
  scimJson(errorBody(405, `This endpoint answers ${allowed.join(", ")}`), 405, { allow: allowed.join(", ") });

/**
 * Every other path under /api/scim/v2, the bare base too (app/api/scim/v2/[[...path]]): POST /.search
 * searches the one resource type there is (Users, RFC 7644 §3.4.3); /Me is 501, as §3.11 has a service
 * provider without it answer; the rest is a SCIM 404, never the portal's HTML page.
 */
export function otherScimPath(request: Request, path: readonly string[], deps: Deps = {}) {
  const endpoint = path.length === 1 ? path[0] : undefined;
  if (endpoint === ".search")
    return request.method === "POST" ? searchUsers(request, deps) : methodNotAllowed(["POST"])();
  if (endpoint === "Me") return notImplemented("/Me is not supported: an HR source token belongs to no User");
  return unknownEndpoint(request);
}
