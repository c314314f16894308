import { EventEmitter } from "node:events";
import pg from "pg";

/**
 * Invalidation of per-process caches through PostgreSQL LISTEN/NOTIFY (issue 14).
 *
 * Writers do not call this: triggers in the database (migrations 0022 and 0024) NOTIFY in the writing
 * transaction, so a change is announced exactly when it commits, whoever made it (a service, the
 * CLI, SQL by hand). Each process holds one LISTEN connection; a cache may serve entries only
 * while it is `connected`. Losing the connection, or a heartbeat that gets no answer, counts as
 * "everything changed": caches flush and are bypassed until LISTEN is back, then start empty.
 */

/** Payload "*": anything may have changed (a TRUNCATE, a reconnect); otherwise an identity id. */
export const EVERYTHING = "*";
export const ACTOR_CHANNEL = "clearance_actor_changed";
export const POLICY_CHANNEL = "clearance_policy_changed";

export interface InvalidationFeed {
  /** True while LISTEN is established: only then may a cache serve what it holds. */
  readonly connected: boolean;
  /**
   * Bumped on every notification, connect and disconnect. A cache notes it before loading and
   * stores the result only if it is unchanged after, so a load that raced a change is not kept.
   */
  readonly epoch: number;
  /** Called with each payload (EVERYTHING on connect and disconnect). Returns the unsubscribe. */
  subscribe(listener: (payload: string) => void): () => void;
}

export interface ListenerOptions {
  url: string;
  channel: string;
  /** A query on the LISTEN connection this often; no answer within the same time ends it. */
  heartbeatMs?: number;
  /** The first wait before reconnecting (doubling up to 10 s, or this if larger). */
  retryMs?: number;
  log?: (line: string) => void;
}

/**
 * One LISTEN connection that reconnects (250 ms, doubling up to 10 s) until stopped. Events for
 * tests and logs: "connected", "disconnected", "notification" (payload, after subscribers ran).
 */
export class PgInvalidationListener extends EventEmitter implements InvalidationFeed {
  #connected = false;
  #epoch = 0;
  #client: pg.Client | null = null;
  #stopped = false;
  #retryMs: number;
  #heartbeat: NodeJS.Timeout | null = null;
  #retry: NodeJS.Timeout | null = null;
  readonly #subscribers = new Set<(payload: string) => void>();

  constructor(readonly options: ListenerOptions) {
    super();
    this.#retryMs = options.retryMs ?? 250;
    if (!/^[a-z_][a-z0-9_]*$/.test(options.channel)) throw new Error(`not a channel name: ${options.channel}`);
  }

  get connected(): boolean {
    return this.#connected;
  }

  get epoch(): number {
    return this.#epoch;
  }

  /** The LISTEN connection's server process, while connected (tests end it to see the cache bypassed). */
  get backendPid(): number | null {
    return this.#connected ? ((this.#client as pg.Client & { processID?: number })?.processID ?? null) : null;
  }

  subscribe(listener: (payload: string) => void): () => void {
    this.#subscribers.add(listener);
    return () => this.#subscribers.delete(listener);
  }

  /** Connects (now, also when a reconnect was scheduled for later). */
  start(): this {
    this.#stopped = false;
    if (this.#retry) clearTimeout(this.#retry);
    if (!this.#client) void this.#connect();
    return this;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    const client = this.#client;
    this.#drop(client, null);
    await client?.end().catch(() => undefined);
  }

  /** Resolves once LISTEN is established (tests; the app never waits for it). */
  waitUntilConnected(): Promise<void> {
    return this.#connected ? Promise.resolve() : new Promise((resolve) => this.once("connected", () => resolve()));
  }

  #publish(payload: string) {
    this.#epoch++;
    for (const subscriber of this.#subscribers) subscriber(payload);
    this.emit("notification", payload);
  }

  async #connect() {
    this.#retry = null;
    if (this.#stopped) return;
    const client = new pg.Client({
      connectionString: this.options.url,
      keepAlive: true,
      application_name: "clearance-invalidation",
    });
    this.#client = client;
    client.on("error", (err) => this.#drop(client, err));
    client.on("end", () => this.#drop(client, new Error("connection closed")));
    client.on("notification", (n) => {
      if (this.#client === client && this.#connected && n.channel === this.options.channel)
        this.#publish(n.payload || EVERYTHING);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
    } catch (err) {
      this.#drop(client, err as Error);
      return;
    }
    if (this.#client !== client || this.#stopped) return;
    this.#retryMs = this.options.retryMs ?? 250;
    // Whatever changed while no one listened is unknown: start from nothing.
    this.#publish(EVERYTHING);
    this.#connected = true;
    this.#startHeartbeat(client);
    this.emit("connected");
  }

  #startHeartbeat(client: pg.Client) {
    const every = this.options.heartbeatMs ?? 5000;
    this.#heartbeat = setInterval(() => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer to the heartbeat within ${every} ms`)), every);
      });
      Promise.race([client.query("select 1"), late])
        .catch((err: Error) => this.#drop(client, err))
        .finally(() => clearTimeout(timer));
    }, every);
    this.#heartbeat.unref();
  }

  /** Forgets `client` (once), tells the caches, and tries again unless stopped. */
  #drop(client: pg.Client | null, err: Error | null) {
    if (!client || this.#client !== client) return;
    this.#client = null;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
    const was = this.#connected;
    this.#connected = false;
    this.#publish(EVERYTHING);
    if (err) client.end().catch(() => undefined);
    if (was) {
      this.options.log?.(`cache invalidation: LISTEN connection lost (${err?.message ?? "stopped"}); caches bypassed`);
      this.emit("disconnected", err);
    }
    if (this.#stopped) return;
    this.#retry = setTimeout(() => void this.#connect(), this.#retryMs);
    this.#retry.unref();
    this.#retryMs = Math.max(Math.min(this.#retryMs * 2, 10_000), this.options.retryMs ?? 0);
  }
}

// One listener per channel and process: Next.js loads modules in several bundles (see server/db/client.ts).
const globalKey = Symbol.for("clearance.invalidationListeners");
type GlobalWithFeeds = typeof globalThis & { [globalKey]?: Map<string, PgInvalidationListener> };

const enabledKey = Symbol.for("clearance.invalidationListenersEnabled");
type GlobalWithFlag = typeof globalThis & { [enabledKey]?: boolean };

/**
 * Lets this process open its LISTEN connections: the web server does (instrumentation.ts). A CLI
 * command, a script or a test does not: an open LISTEN connection would keep it from exiting, and
 * its caches would have no one to keep them right. Without it every cache loads on every call.
 */
export function enableProcessListeners(): void {
  (globalThis as GlobalWithFlag)[enabledKey] = true;
}

/** The process's listener on `channel` (DATABASE_URL's database), started on first use; null without DATABASE_URL. */
function processListener(channel: string): PgInvalidationListener | null {
  const g = globalThis as GlobalWithFeeds;
  const url = process.env.DATABASE_URL;
  if (!url || !(globalThis as GlobalWithFlag)[enabledKey]) return null;
  const listeners = (g[globalKey] ??= new Map());
  let listener = listeners.get(channel);
  if (!listener) {
    listener = new PgInvalidationListener({ url, channel, log: (line) => console.error(`clearance: ${line}`) }).start();
    listeners.set(channel, listener);
  }
  return listener;
}

/** The process's listener on ACTOR_CHANNEL (sessions, people, portal roles). */
export function actorInvalidation(): PgInvalidationListener | null {
  return processListener(ACTOR_CHANNEL);
}

/** The process's listener on POLICY_CHANNEL (policy versions and files, aliases, scales, system levels). */
export function policyInvalidation(): PgInvalidationListener | null {
  return processListener(POLICY_CHANNEL);
}
