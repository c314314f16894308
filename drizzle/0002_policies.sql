CREATE TABLE "attribute_scales" (
	"attribute" text PRIMARY KEY NOT NULL,
	"values" text[] NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "policy_files" (
	"version_id" integer NOT NULL,
	"path" text NOT NULL,
	"source" text NOT NULL,
	CONSTRAINT "policy_files_version_id_path_pk" PRIMARY KEY("version_id","path"),
	CONSTRAINT "policy_files_path" CHECK ("policy_files"."path" ~ '^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*\.ya?ml$')
);
--> statement-breakpoint
CREATE TABLE "policy_set_versions" (
	"id" serial PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"base_version_id" integer,
	"author_id" uuid,
	"author_label" text NOT NULL,
	"message" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"activated_at" timestamp with time zone,
	"decider_id" uuid,
	"decider_label" text,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"summary" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "policy_set_versions_status" CHECK ("policy_set_versions"."status" in ('active', 'pending', 'rejected'))
);
--> statement-breakpoint
CREATE TABLE "policy_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"require_second_approval" boolean DEFAULT false NOT NULL,
	"complexity_threshold" integer DEFAULT 12 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "policy_settings_single_row" CHECK ("policy_settings"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE "policy_files" ADD CONSTRAINT "policy_files_version_id_policy_set_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."policy_set_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_set_versions" ADD CONSTRAINT "policy_set_versions_author_id_identities_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."identities"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_set_versions" ADD CONSTRAINT "policy_set_versions_decider_id_identities_id_fk" FOREIGN KEY ("decider_id") REFERENCES "public"."identities"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "policy_set_versions_status_idx" ON "policy_set_versions" USING btree ("status","id");