import "server-only";
import { readGroupProjection } from "@/server/core/scim/group";
import { readListQuery } from "@/server/core/scim/search";
import {
  createScimGroup,
  deleteScimGroup,
  getScimGroup,
  listScimGroups,
  patchScimGroup,
  replaceScimGroup,
} from "@/server/services/scim/groups";
import { asHrSource, readJson, scimJson, type Deps } from "./scim";

/** /api/scim/v2/Groups: directory groups of the token's source (RFC 7643 §4.2), as /Users is for people. */
const urlsOf = (usersUrl: string) => ({ usersUrl, groupsUrl: usersUrl.replace(/\/Users$/, "/Groups") });
const params = (request: Request) => new URL(request.url).searchParams;

const groupResponse = (
  group: Record<string, unknown>,
  project: (g: Record<string, unknown>) => unknown,
  status = 200,
) => {
  const meta = group.meta as { version: string; location: string };
  return scimJson(project(group), status, {
    etag: meta.version,
    ...(status === 201 ? { location: meta.location } : {}),
  });
};

/** GET /Groups?filter=&startIndex=&count=&excludedAttributes=members */
export function listGroups(request: Request, deps: Deps = {}) {
  return asHrSource(request, deps, async (ctx, usersUrl) => {
    const { filter, startIndex, count } = readListQuery(params(request));
    const projection = readGroupProjection(params(request));
    const list = await listScimGroups({
      ctx,
      input: { ...urlsOf(usersUrl), filter, startIndex, count, members: projection.members },
    });
    return scimJson({ ...list, Resources: list.Resources.map(projection.project) });
  });
}

export function createGroup(request: Request, deps: Deps = {}) {
  return asHrSource(request, deps, async (ctx, usersUrl) => {
    const { project } = readGroupProjection(params(request));
    const group = await createScimGroup({ ctx, input: { ...urlsOf(usersUrl), body: await readJson(request) } });
    return groupResponse(group, project, 201);
  });
}

export function getGroup(request: Request, id: string, deps: Deps = {}) {
  return asHrSource(request, deps, async (ctx, usersUrl) => {
    const projection = readGroupProjection(params(request));
    const group = await getScimGroup({ ctx, input: { ...urlsOf(usersUrl), id, members: projection.members } });
    return groupResponse(group, projection.project);
  });
}

export function replaceGroup(request: Request, id: string, deps: Deps = {}) {
  return asHrSource(request, deps, async (ctx, usersUrl) => {
    const { project } = readGroupProjection(params(request));
    const ifMatch = request.headers.get("if-match");
    const body = await readJson(request);
    return groupResponse(await replaceScimGroup({ ctx, input: { ...urlsOf(usersUrl), id, ifMatch, body } }), project);
  });
}

export function patchGroup(request: Request, id: string, deps: Deps = {}) {
  return asHrSource(request, deps, async (ctx, usersUrl) => {
    const { project } = readGroupProjection(params(request));
    const ifMatch = request.headers.get("if-match");
    const body = await readJson(request);
    return groupResponse(await patchScimGroup({ ctx, input: { ...urlsOf(usersUrl), id, ifMatch, body } }), project);
  });
}

export function deleteGroup(request: Request, id: string, deps: Deps = {}) {
  return asHrSource(request, deps, async (ctx) => {
    await deleteScimGroup({ ctx, input: { id, ifMatch: request.headers.get("if-match") } });
    return new Response(null, { status: 204 });
  });
}
