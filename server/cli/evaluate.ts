import { evaluateIdentity } from "../core/policy";
import { commonFlags, type Command } from "./command";
import { readIdentities } from "./identities";
import { compile, parseAt, readConfig, readPolicyDir, requireParsed } from "./inputs";

/** `clearance policy eval DIR --identities FILE`: everyone's expected access, as JSON. */
export const evalCommand: Command = {
  name: "eval",
  summary: "print every identity's expected grants, with the policy path of each, as JSON",
  positionals: ["DIR"],
  flags: {
    identities: { ...commonFlags.identities, required: true },
    at: commonFlags.at,
    config: commonFlags.config,
  },
  details: `
Prints one JSON object with every identity as a key, in the order of FILE:
  { "<identity id>": [ { "resource": "...", "level": "..." | null, "via": ["policy-a", "policy-b"] } ] }
Grants are sorted by resource; "via" is the matched policy, then the inheritance path to the
policy that names the grant. An identity that is not Active has [].`,
  run(args, io) {
    const dir = args.positionals[0]!;
    const cfg = readConfig(args.flags.get("config"));
    const people = readIdentities(args.flags.get("identities")!);
    const at = parseAt(args.flags.get("at"), io.now());
    const set = compile(requireParsed(readPolicyDir(dir), dir), cfg);
    const out: Record<string, { resource: string; level: string | null; via: string[] }[]> = {};
    for (const identity of people.identities) {
      out[identity.id] = evaluateIdentity(set, identity, at).map((g) => ({
        resource: g.resource,
        level: g.level,
        via: [...g.via],
      }));
    }
    io.out(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  },
};
