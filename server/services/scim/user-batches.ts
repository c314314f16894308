import { sql } from "drizzle-orm";
import { readUserResource } from "@/server/core/scim/coerce";
import { toScimUser, userChanges } from "@/server/core/scim/user";
import type { Db } from "@/server/db/client";
import { insertRows } from "@/server/db/insert-rows";
import { identities, scimUserProfiles } from "@/server/db/schema";
import type { SourceContext } from "../context";
import { createIdentities } from "../identity-create";
import { signInFromOf } from "./user-profiles";
import { hrIdOf } from "./user-uniqueness";
import { loadIdentities } from "./user-rows";
import { createScimUser, joinersOf, uniquely } from "./users";

type Post = { ctx: SourceContext; input: { usersUrl: string; body: unknown } };
type Answer = Awaited<ReturnType<typeof createScimUser>>;
interface Waiting {
  post: Post;
  resolve: (user: Answer) => void;
  reject: (err: unknown) => void;
}

/** Joiners written in one transaction at most; a first sync sends them 8-16 at a time. */
const MOST = 50;

// Per database handle (each test database, and the app's one), then per client: a source's token
// from one address and user agent, whose audit events read the same.
type Queue = { waiting: Waiting[]; running: boolean };
const queues = new WeakMap<Db, Map<string, Queue>>();

/**
 * POST /Users as a group commit: the joiners that a client's concurrent requests ask for while
 * another batch is being written go into the next transaction together (createScimUsersTogether),
 * so that a first sync of 10,000 Users does not cost 10,000 transactions of some 26 statements.
 * Each request still gets its own User or its own error: a batch that fails in any way is written
 * again one request at a time (createScimUser), and so is a POST for an email someone already has
 * (a rehire, a takeover, or a 409, which that path decides).
 */
export function createScimUserInBatch(post: Post): Promise<Answer> {
  const { ctx } = post;
  const byClient = queues.get(ctx.db) ?? new Map<string, Queue>();
  queues.set(ctx.db, byClient);
  const client = JSON.stringify([ctx.sourceKey, ctx.request?.ip ?? null, ctx.request?.userAgent ?? null]);
  const queue: Queue = byClient.get(client) ?? { waiting: [], running: false };
  byClient.set(client, queue);
  return new Promise<Answer>((resolve, reject) => {
    queue.waiting.push({ post, resolve, reject });
    if (queue.running) return;
    queue.running = true;
    // The requests that arrive in this turn of the event loop join the first batch.
    setImmediate(async () => {
      try {
        while (queue.waiting.length) {
          const batch = queue.waiting.splice(0, MOST);
          // never expected: whoever is still waiting hears it (a settled promise ignores this)
          await writeBatch(batch).catch((err: unknown) => batch.forEach((w) => w.reject(err)));
        }
      } finally {
        queue.running = false;
        byClient.delete(client);
      }
    });
  });
}

async function writeBatch(batch: Waiting[]) {
  let together: Map<Waiting, Answer> = new Map();
  try {
    together = await createScimUsersTogether(batch);
  } catch {
    // one request's error (a taken userName, a bad value) fails the batch: each on its own below
  }
  for (const w of batch) {
    const answer = together.get(w);
    if (answer) w.resolve(answer);
    else await createScimUser(w.post).then(w.resolve, w.reject);
  }
}

/**
 * The POSTs of one client written in one transaction: each checked as createScimUser checks it
 * (uniqueness, the manager), then every joiner hired by createIdentities (rows, history, audit
 * events, joiner plans) and their profiles stored together. Gives the Users it wrote; a POST
 * whose email someone already has, or that repeats another's unique value, is left out, for
 * createScimUser to decide.
 */
async function createScimUsersTogether(batch: Waiting[]): Promise<Map<Waiting, Answer>> {
  const { ctx } = batch[0]!.post;
  return uniquely(() =>
    ctx.db.transaction(async (tx) => {
      const signInFrom = await signInFromOf(tx, ctx);
      const posts = batch.map((w) => {
        const changes = userChanges(null, readUserResource(w.post.input.body), {
          keepUnsentExtensions: false,
          signInFrom,
        });
        return { w, changes, email: changes.email!.toLowerCase() };
      });
      const emails = posts.map((p) => p.email);
      const known = new Set(
        (
          await tx
            .select({ email: sql<string>`lower(${identities.email})` })
            .from(identities)
            .where(sql`lower(${identities.email}) = any(${sql.param(emails)}::text[])`)
        ).map((r) => r.email),
      );
      // Two POSTs of the batch with one userName, externalId, HR id or email: the later one goes alone,
      // after this batch, and hears uniqueness as it would have sent one after the other.
      const claimed = new Set<string>();
      const hires = posts.filter(({ changes, email }) => {
        const hrId = hrIdOf(changes.externalId, changes.profile)?.value;
        const keys = [
          `userName:${changes.profile.userName.toLowerCase()}`,
          `email:${email}`,
          ...(changes.profile.externalId ? [`externalId:${changes.profile.externalId}`] : []),
          ...(hrId ? [`hrId:${hrId}`] : []),
        ];
        if (known.has(email) || keys.some((k) => claimed.has(k))) return false;
        keys.forEach((k) => claimed.add(k));
        return true;
      });
      const rows = await createIdentities(
        tx,
        ctx,
        await joinersOf(
          tx,
          ctx,
          hires.map((h) => h.changes),
        ),
      );
      await insertRows(
        tx,
        scimUserProfiles,
        hires.map(({ changes }, i) => ({ identityId: rows[i]!.id, ...changes.profile, deletedAt: null })),
      );
      const users = await loadIdentities(
        tx,
        ctx,
        rows.map((r) => r.id),
      );
      return new Map(hires.map(({ w }, i) => [w, toScimUser(users[i]!, w.post.input.usersUrl)]));
    }),
  );
}
