/**
 * How the jobs report: a line and its level. The launcher writes them as JSON (server/log.ts);
 * warn lines may quote an adapter's or the database's error text, so only they may carry what
 * a system said about a person, never info lines.
 */
export type JobLog = (line: string, level?: "info" | "warn") => void;
