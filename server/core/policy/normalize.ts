import type { Alias } from "./types";

/**
 * HR values are matched after two steps: the alias table maps known messy spellings to the
 * canonical value ("Eng" → "Engineering"), then matching ignores case and surrounding space.
 */
export const matchKey = (value: string) => value.trim().toLowerCase();

export class AliasTable {
  private readonly byAttribute = new Map<string, Map<string, string>>();

  constructor(aliases: readonly Alias[]) {
    for (const a of aliases) {
      let table = this.byAttribute.get(a.attribute);
      if (!table) this.byAttribute.set(a.attribute, (table = new Map()));
      table.set(matchKey(a.raw), a.canonical.trim());
    }
  }

  /** The canonical spelling of a raw HR value (the value itself when no alias names it). */
  canonical(attribute: string, raw: string): string {
    return this.byAttribute.get(attribute)?.get(matchKey(raw)) ?? raw.trim();
  }

  /** Whether an alias maps this raw value to something else. */
  isAlias(attribute: string, raw: string): boolean {
    return this.byAttribute.get(attribute)?.has(matchKey(raw)) ?? false;
  }

  /** The key two values are compared by: canonical, case- and space-insensitive. */
  key(attribute: string, raw: string): string {
    return matchKey(this.canonical(attribute, raw));
  }
}
