// Exceptions (pure): types and limits, expiry and reminders, extension rules, the timeline.
export * from "./types";
export * from "./expiry";
export * from "./rules";
export * from "./timeline";
export * from "./end-reason";
