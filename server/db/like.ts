const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** An ILIKE pattern that matches `term` anywhere, with % _ and \ taken literally. */
export const containsPattern = (term: string) => `%${literal(term)}%`;

/** An ILIKE pattern that matches text starting with `prefix`, taken literally. */
export const startsWithPattern = (prefix: string) => `${literal(prefix)}%`;
