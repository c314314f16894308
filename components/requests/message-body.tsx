import { tokenize } from "@/server/core/requests/text";

/**
 * A thread message, or a notification quoting one, with its safe formatting as elements: never
 * HTML from the text.
 */
export function MessageBody({ body, className = "text-slate-800" }: { body: string; className?: string }) {
  return (
    <p className={`text-sm break-words whitespace-pre-wrap ${className}`}>
      {tokenize(body).map((t, i) => {
        switch (t.kind) {
          case "bold":
            return <strong key={i}>{t.text}</strong>;
          case "code":
            return (
              <code key={i} className="rounded bg-slate-100 px-1 font-mono text-xs">
                {t.text}
              </code>
            );
          case "link":
            return (
              <a
                key={i}
                href={t.href}
                rel="noopener noreferrer nofollow"
                target="_blank"
                className="text-brand-700 underline"
              >
                {t.href}
              </a>
            );
          case "mention":
            return (
              <span key={i} className="rounded bg-brand-50 px-0.5 font-medium text-brand-700">
                @{t.handle}
              </span>
            );
          case "newline":
            return <br key={i} />;
          default:
            return <span key={i}>{t.text}</span>;
        }
      })}
    </p>
  );
}
