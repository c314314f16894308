import { createUser, listUsers } from "@/server/api/scim";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  return listUsers(request);
}

export async function POST(request: Request) {
  return createUser(request);
}
