// Time (pure): zones, how moments and days are shown in one, and where a zone's days begin and end.
// Stored times are UTC; a zone is always passed in (the viewer's, the recipient's, the organization's).
export * from "./zones";
export * from "./format";
export * from "./days";
