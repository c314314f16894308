import { deleteUser, getUser, methodNotAllowed, patchUser, replaceUser, searchUsers } from "@/server/api/scim";
import { observed } from "@/server/http/observe";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export const GET = observed("scim.users.get", async (request, { params }: Params) =>
  getUser(request, (await params).id),
);

export const PUT = observed("scim.users.replace", async (request, { params }: Params) =>
  replaceUser(request, (await params).id),
);

export const PATCH = observed("scim.users.patch", async (request, { params }: Params) =>
  patchUser(request, (await params).id),
);

export const DELETE = observed("scim.users.delete", async (request, { params }: Params) =>
  deleteUser(request, (await params).id),
);

// POST /Users/.search (RFC 7644 §3.4.3) arrives here with ".search" as the id; a POST to a User is not allowed.
export const POST = observed("scim.users.search", async (request, { params }: Params) =>
  (await params).id === ".search" ? searchUsers(request) : methodNotAllowed(["GET", "PUT", "PATCH", "DELETE"])(),
);
