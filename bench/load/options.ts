/** `npm run bench:load -- [options]`: what to run and for how long. */

export interface Options {
  quick: boolean;
  /** run only endpoints whose name contains this (and "decisions" / "expiry" for those parts) */
  only: string | null;
  keep: boolean;
  rebuild: boolean;
  refixture: boolean;
  /** `clearance audit verify` on the run's database at the end */
  verify: boolean;
  seconds: number;
  connections: number[];
}

export const usage = `npm run bench:load -- [--quick] [--only <name>] [--keep] [--rebuild] [--refixture] [--verify] [--seconds N]
  --quick       short runs (5 s) of a few endpoints, to try it
  --only NAME   only endpoints whose name contains NAME; "decisions" or "expiry" for those parts
  --keep        leave the run's database (its name is printed)
  --rebuild     run \`npm run build\` even when .next is newer than the sources
  --refixture   build the fixture's template database again
  --verify      run \`clearance audit verify\` on the run's database at the end (minutes for 1M events)
  --seconds N   seconds per endpoint and connection count (default 15; --quick 5)`;

export function parseOptions(argv: string[]): Options {
  const has = (flag: string) => argv.includes(flag);
  const valueOf = (flag: string) => {
    const i = argv.indexOf(flag);
    if (i < 0) return null;
    const v = argv[i + 1];
    if (!v || v.startsWith("--")) throw new Error(`${flag} needs a value\n${usage}`);
    return v;
  };
  const known = new Set(["--quick", "--only", "--keep", "--rebuild", "--refixture", "--verify", "--seconds", "--help"]);
  argv.forEach((a, i) => {
    if (a.startsWith("--") && !known.has(a)) throw new Error(`unknown option ${a}\n${usage}`);
    if (!a.startsWith("--") && !["--only", "--seconds"].includes(argv[i - 1] ?? ""))
      throw new Error(`unexpected argument ${a}\n${usage}`);
  });
  if (has("--help")) {
    console.log(usage);
    process.exit(0);
  }
  const quick = has("--quick");
  const seconds = Number(valueOf("--seconds") ?? (quick ? 5 : 15));
  if (!Number.isFinite(seconds) || seconds < 1) throw new Error(`--seconds must be a number ≥ 1\n${usage}`);
  return {
    quick,
    only: valueOf("--only"),
    keep: has("--keep"),
    rebuild: has("--rebuild"),
    refixture: has("--refixture"),
    verify: has("--verify"),
    seconds,
    connections: [10, 50],
  };
}
