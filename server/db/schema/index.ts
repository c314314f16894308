export * from "./identities";
export * from "./systems";
export * from "./portal-roles";
export * from "./audit";
export * from "./auth";
export * from "./sessions";
export * from "./policies";
export * from "./requests";
