import { DomainError } from "../errors";

/**
 * Keyset cursors for lists read a page at a time: the sort value and the row's id of the last row
 * shown, as one opaque string the client hands back. A row inserted before the cursor is never
 * shown again on a later page and none is skipped, which an offset cannot promise.
 */
export interface Cursor {
  /** the sort value: an instant's ISO text, a number, or text */
  value: string;
  id: string;
}

/** The page sizes lists offer; more is refused with an error naming the field. */
export const MAX_PAGE_SIZE = 50;
export const DEFAULT_PAGE_SIZE = 25;

export function encodeCursor(cursor: Cursor): string {
  return JSON.stringify([cursor.value, cursor.id]);
}

export function decodeCursor(text: string, field = "cursor"): Cursor {
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === "string" && typeof parsed[1] === "string")
      return { value: parsed[0], id: parsed[1] };
  } catch {
    // falls through to the error below
  }
  throw new DomainError("INVALID_INPUT", "This is not a cursor from the previous page: load the list again", { field });
}

/** An instant from a cursor, or the error that names the field. */
export function cursorInstant(cursor: Cursor, field = "cursor"): Date {
  const at = new Date(cursor.value);
  if (Number.isNaN(at.getTime())) throw new DomainError("INVALID_INPUT", "The cursor's time is not a time", { field });
  return at;
}

/**
 * The page and the cursor for the next one: a list reads one row more than it shows, so "more"
 * costs no count.
 */
export function pageOf<T>(rows: T[], limit: number, cursorOf: (row: T) => Cursor) {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { rows: page, nextCursor: more ? encodeCursor(cursorOf(page[page.length - 1]!)) : null };
}
