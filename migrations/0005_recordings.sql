CREATE TABLE "recordings" (
	"session_id" uuid PRIMARY KEY NOT NULL,
	"class_id" uuid NOT NULL,
	"institution_id" uuid NOT NULL,
	"status" text NOT NULL,
	"manifest" jsonb NOT NULL,
	"replay_key" text,
	"replay_sha256" text,
	"replay_bytes" integer,
	"replay_duration_s" double precision,
	"error" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "recordings" ADD CONSTRAINT "recordings_session_id_class_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."class_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recordings" ADD CONSTRAINT "recordings_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE no action ON UPDATE no action;