import { prepareAuditEnvironment } from "./audit-env";

prepareAuditEnvironment();
