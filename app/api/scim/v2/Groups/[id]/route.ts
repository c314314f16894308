import { methodNotAllowed } from "@/server/api/scim";
import { deleteGroup, getGroup, patchGroup, replaceGroup } from "@/server/api/scim-groups";
import { observed } from "@/server/http/observe";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export const GET = observed("scim.groups.get", async (request, { params }: Params) =>
  getGroup(request, (await params).id),
);

export const PUT = observed("scim.groups.replace", async (request, { params }: Params) =>
  replaceGroup(request, (await params).id),
);

export const PATCH = observed("scim.groups.patch", async (request, { params }: Params) =>
  patchGroup(request, (await params).id),
);

export const DELETE = observed("scim.groups.delete", async (request, { params }: Params) =>
  deleteGroup(request, (await params).id),
);

export const POST = methodNotAllowed(["GET", "PUT", "PATCH", "DELETE"]);
