/**
 * The end-to-end tests' mail server: a real SMTP server (test/support/smtp-sink.ts) on
 * SMTP_SINK_PORT, and on SMTP_SINK_HTTP_PORT a small HTTP endpoint listing what it received
 * (GET /messages), so a test can read the email the app sent.
 */
import { createServer } from "node:http";
import { startSmtpSink } from "../../test/support/smtp-sink";

const sink = await startSmtpSink({ port: Number(process.env.SMTP_SINK_PORT) });
const http = createServer((req, res) => {
  if (req.url === "/messages") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(sink.messages));
    return;
  }
  res.writeHead(404).end();
});
http.listen(Number(process.env.SMTP_SINK_HTTP_PORT), "127.0.0.1", () => {
  console.log(
    `smtp sink: smtp://127.0.0.1:${sink.port}, messages at http://127.0.0.1:${process.env.SMTP_SINK_HTTP_PORT}/messages`,
  );
});
const stop = () => void sink.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
