-- Rate-limit counters are rewritten on every request and worth nothing after a crash: no WAL for them.
-- (An UNLOGGED table is emptied after a crash and not copied to standbys; the limits then start afresh.)
ALTER TABLE "rate_limit_buckets" SET UNLOGGED;
