import nodemailer from "nodemailer";
import type { OutgoingMail } from "@/server/services/mail";

/** An SMTP sender for SMTP_URL (smtp://user:pass@host:port, smtps:// for TLS). */
export function smtpSender(
  smtpUrl: string,
  from = process.env.CLEARANCE_MAIL_FROM ?? "Clearance <clearance@localhost>",
) {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    send: async (mail: OutgoingMail) => {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
    close: () => transport.close(),
  };
}
