import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Attribute, Change, Client } from "ldapts";
import { escapeFilterValue, groupDn, LDAP_PLACEHOLDER_MEMBER } from "@/server/adapters/ldap";

const SLAPD = "/usr/sbin/slapd";
const SCHEMAS = ["core", "cosine", "inetorgperson", "nis"];
const BASE_DN = "dc=clearance,dc=test";
const ROOT_DN = `cn=admin,${BASE_DN}`;
const PEOPLE_DN = `ou=people,${BASE_DN}`;
const GROUP_BASE_DN = `ou=groups,${BASE_DN}`;
const STARTUP_TIMEOUT_MS = 15_000;

/** People loaded into ou=people: uid, given name, surname. */
export const slapdPeople = [
  ["sarah.chen", "Sarah", "Chen"],
  ["james.okafor", "James", "Okafor"],
  ["priya.patel", "Priya", "Patel"],
] as const;

export interface Slapd {
  url: string;
  bindDn: string;
  bindPassword: string;
  baseDn: string;
  groupBaseDn: string;
  userDnTemplate: string;
  /** The group's `member` values as stored, placeholder included. */
  members(groupCn: string): Promise<string[]>;
  /** The cn of every group whose `member` holds this DN. */
  groupsWithMember(memberDn: string): Promise<string[]>;
  /** Adds a member by hand, as an administrator would in the directory itself. */
  addMember(groupCn: string, memberDn: string): Promise<void>;
  /** Creates a groupOfNames holding only the placeholder member (groupOfNames needs one). */
  addGroup(cn: string, members?: string[]): Promise<void>;
  /** Kills slapd and removes its directory; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts Debian's slapd on a free 127.0.0.1 port with a throwaway slapd.conf and mdb database,
 * then loads ou=people (a few inetOrgPerson users) and ou=groups (cn=finance-reports@company.com).
 * Runs as whoever runs the tests, root included: without -u/-g slapd keeps the current user.
 */
export async function startSlapd(): Promise<Slapd> {
  const dir = mkdtempSync(path.join(tmpdir(), "clearance-slapd-"));
  const bindPassword = `pw-${Math.random().toString(36).slice(2)}`;
  mkdirSync(path.join(dir, "data"));
  writeFileSync(path.join(dir, "slapd.conf"), slapdConf(dir, bindPassword));

  let child: ChildProcess | null = null;
  let url = "";
  try {
    // The free port is found by binding and releasing it, so another process may take it first.
    for (let attempt = 1; !child; attempt++) {
      url = `ldap://127.0.0.1:${await freePort()}`;
      try {
        child = await launch(dir, url, bindPassword);
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const running = child;
  const killOnExit = () => running.kill("SIGKILL");
  process.once("exit", killOnExit);

  const admin = async <T>(run: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ url, timeout: 5_000, connectTimeout: 5_000 });
    try {
      await client.bind(ROOT_DN, bindPassword);
      return await run(client);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  };

  const addGroup = (cn: string, members: string[] = [LDAP_PLACEHOLDER_MEMBER]) =>
    admin((client) =>
      client.add(groupDn(cn, GROUP_BASE_DN), { objectClass: ["top", "groupOfNames"], cn, member: members }),
    );

  await admin(async (client) => {
    await client.add(BASE_DN, {
      objectClass: ["top", "dcObject", "organization"],
      dc: "clearance",
      o: "Clearance test",
    });
    await client.add(PEOPLE_DN, { objectClass: ["top", "organizationalUnit"], ou: "people" });
    await client.add(GROUP_BASE_DN, { objectClass: ["top", "organizationalUnit"], ou: "groups" });
    for (const [uid, givenName, sn] of slapdPeople) {
      await client.add(`uid=${uid},${PEOPLE_DN}`, {
        objectClass: ["top", "inetOrgPerson"],
        uid,
        givenName,
        sn,
        cn: `${givenName} ${sn}`,
        mail: `${uid}@company.com`,
      });
    }
  });
  await addGroup("finance-reports@company.com");

  let stopped = false;
  return {
    url,
    bindDn: ROOT_DN,
    bindPassword,
    baseDn: BASE_DN,
    groupBaseDn: GROUP_BASE_DN,
    userDnTemplate: `uid={username},${PEOPLE_DN}`,
    members: (groupCn) =>
      admin(async (client) => {
        const { searchEntries } = await client.search(groupDn(groupCn, GROUP_BASE_DN), {
          scope: "base",
          attributes: ["member"],
        });
        const member = searchEntries[0]?.member ?? [];
        return (Array.isArray(member) ? member : [member]).map(String);
      }),
    addGroup,
    groupsWithMember: (memberDn) =>
      admin(async (client) => {
        const { searchEntries } = await client.search(GROUP_BASE_DN, {
          scope: "one",
          filter: `(member=${escapeFilterValue(memberDn)})`,
          attributes: ["cn"],
        });
        return searchEntries.map((e) => String(Array.isArray(e.cn) ? e.cn[0] : e.cn));
      }),
    addMember: (groupCn, memberDn) =>
      admin((client) =>
        client.modify(
          groupDn(groupCn, GROUP_BASE_DN),
          new Change({ operation: "add", modification: new Attribute({ type: "member", values: [memberDn] }) }),
        ),
      ),
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener("exit", killOnExit);
      await terminate(running);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function slapdConf(dir: string, rootPassword: string): string {
  return [
    ...SCHEMAS.map((name) => `include /etc/ldap/schema/${name}.schema`),
    `pidfile ${path.join(dir, "slapd.pid")}`,
    `argsfile ${path.join(dir, "slapd.args")}`,
    "modulepath /usr/lib/ldap",
    "moduleload back_mdb",
    "database mdb",
    `suffix "${BASE_DN}"`,
    `rootdn "${ROOT_DN}"`,
    `rootpw ${rootPassword}`,
    `directory ${path.join(dir, "data")}`,
    "",
  ].join("\n");
}

/** Spawns slapd in the foreground (-d 0 keeps it from detaching) and waits until a bind works. */
async function launch(dir: string, url: string, bindPassword: string): Promise<ChildProcess> {
  const child = spawn(SLAPD, ["-f", path.join(dir, "slapd.conf"), "-h", `${url}/`, "-d", "0"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let output = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  });
  // Set by the child's events while the loop below polls.
  const failure: { reason: string | null } = { reason: null };
  child.once("exit", (code, signal) => {
    failure.reason = `slapd exited (${signal ?? code}) while starting: ${output.trim() || "no output"}`;
  });
  child.once("error", (error) => {
    failure.reason = `slapd could not start: ${error.message}`;
  });

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (failure.reason) throw new Error(failure.reason);
    const client = new Client({ url, timeout: 1_000, connectTimeout: 1_000 });
    try {
      await client.bind(ROOT_DN, bindPassword);
      return child;
    } catch (error) {
      if (Date.now() > deadline) {
        await terminate(child);
        throw new Error(
          `slapd did not answer on ${url} within ${STARTUP_TIMEOUT_MS} ms: ${String(error)}; ${output.trim()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
