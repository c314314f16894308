// Exceptions (pure): types and limits, seed 000's fixed pattern rules, vendor restrictions, expiry and reminders, extension rules, the timeline.
export * from "./types";
export * from "./patterns";
export * from "./restrictions";
export * from "./expiry";
export * from "./rules";
export * from "./timeline";
export * from "./end-reason";
