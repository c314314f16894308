/** Runs once when the Next.js server starts. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Route handlers cannot see the socket: record each request's peer address for rate limits.
  const { recordPeerAddresses } = await import("./server/http/peer-address");
  recordPeerAddresses();
  // The session and policy caches may hold entries: this process keeps a LISTEN connection for their invalidation.
  const { enableProcessListeners } = await import("./server/services/cache-invalidation");
  enableProcessListeners();
}
