CREATE TABLE "attendance_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"class_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"subject_kind" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"appeal_text" text,
	"appealed_at" timestamp (3) with time zone,
	"decision" text,
	"decision_note" text,
	"decided_by" uuid,
	"decided_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recording_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"class_id" uuid NOT NULL,
	"reviewer_id" uuid NOT NULL,
	"from_s" double precision,
	"to_s" double precision,
	"note" text,
	"reviewed_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "roll_call_responses" (
	"roll_call_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"roster_entry_id" uuid,
	"outcome" text,
	"answered_at" timestamp (3) with time zone,
	"still_evidence_id" uuid,
	"still_at" timestamp (3) with time zone,
	"still_note" text,
	"decided_at" timestamp (3) with time zone,
	CONSTRAINT "roll_call_responses_roll_call_id_account_id_pk" PRIMARY KEY("roll_call_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "roll_calls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"institution_id" uuid NOT NULL,
	"class_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"origin" text NOT NULL,
	"started_by" uuid,
	"status" text NOT NULL,
	"due_at" timestamp (3) with time zone,
	"seed" text,
	"window_s" integer NOT NULL,
	"fired_at" timestamp (3) with time zone,
	"closes_at" timestamp (3) with time zone,
	"closed_at" timestamp (3) with time zone,
	"outcomes_sha256" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "spot_check_items" (
	"spot_check_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"roster_entry_id" uuid,
	"still_evidence_id" uuid,
	"still_at" timestamp (3) with time zone,
	"verification_id" uuid,
	"verdict" text NOT NULL,
	"score" double precision,
	"note" text,
	"flagged_at" timestamp (3) with time zone,
	CONSTRAINT "spot_check_items_spot_check_id_account_id_pk" PRIMARY KEY("spot_check_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "spot_checks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"institution_id" uuid NOT NULL,
	"class_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"origin" text NOT NULL,
	"started_by" uuid,
	"seed" text NOT NULL,
	"sample_size" integer NOT NULL,
	"population" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oversight_corrections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"item_id" uuid NOT NULL,
	"text" text NOT NULL,
	"evidence_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"submitted_by" uuid NOT NULL,
	"submitted_at" timestamp (3) with time zone NOT NULL,
	"decision" text,
	"decision_note" text,
	"decided_by" uuid,
	"decided_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "oversight_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"institution_id" uuid NOT NULL,
	"jurisdiction_id" uuid NOT NULL,
	"class_id" uuid,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"detail" text NOT NULL,
	"occurred_on" date NOT NULL,
	"deadline" date,
	"status" text NOT NULL,
	"overdue_at" timestamp (3) with time zone,
	"recorded_by" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sanctions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"institution_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"reason" text NOT NULL,
	"deadline" date,
	"item_id" uuid,
	"issued_by" uuid NOT NULL,
	"issued_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "classes" ADD COLUMN "roll_call_window_s" integer DEFAULT 60 NOT NULL;--> statement-breakpoint
ALTER TABLE "classes" ADD COLUMN "roll_calls_per_session" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "classes" ADD COLUMN "spot_check_sample_size" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "attendance_reviews" ADD CONSTRAINT "attendance_reviews_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_reviews" ADD CONSTRAINT "attendance_reviews_session_id_class_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."class_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_reviews" ADD CONSTRAINT "attendance_reviews_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_reviews" ADD CONSTRAINT "attendance_reviews_decided_by_accounts_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recording_reviews" ADD CONSTRAINT "recording_reviews_session_id_class_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."class_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recording_reviews" ADD CONSTRAINT "recording_reviews_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recording_reviews" ADD CONSTRAINT "recording_reviews_reviewer_id_accounts_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roll_call_responses" ADD CONSTRAINT "roll_call_responses_roll_call_id_roll_calls_id_fk" FOREIGN KEY ("roll_call_id") REFERENCES "public"."roll_calls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roll_call_responses" ADD CONSTRAINT "roll_call_responses_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roll_call_responses" ADD CONSTRAINT "roll_call_responses_roster_entry_id_roster_entries_id_fk" FOREIGN KEY ("roster_entry_id") REFERENCES "public"."roster_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roll_call_responses" ADD CONSTRAINT "roll_call_responses_still_evidence_id_evidence_files_id_fk" FOREIGN KEY ("still_evidence_id") REFERENCES "public"."evidence_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roll_calls" ADD CONSTRAINT "roll_calls_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roll_calls" ADD CONSTRAINT "roll_calls_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roll_calls" ADD CONSTRAINT "roll_calls_session_id_class_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."class_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roll_calls" ADD CONSTRAINT "roll_calls_started_by_accounts_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spot_check_items" ADD CONSTRAINT "spot_check_items_spot_check_id_spot_checks_id_fk" FOREIGN KEY ("spot_check_id") REFERENCES "public"."spot_checks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spot_check_items" ADD CONSTRAINT "spot_check_items_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spot_check_items" ADD CONSTRAINT "spot_check_items_roster_entry_id_roster_entries_id_fk" FOREIGN KEY ("roster_entry_id") REFERENCES "public"."roster_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spot_check_items" ADD CONSTRAINT "spot_check_items_still_evidence_id_evidence_files_id_fk" FOREIGN KEY ("still_evidence_id") REFERENCES "public"."evidence_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spot_check_items" ADD CONSTRAINT "spot_check_items_verification_id_identity_verifications_id_fk" FOREIGN KEY ("verification_id") REFERENCES "public"."identity_verifications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spot_checks" ADD CONSTRAINT "spot_checks_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spot_checks" ADD CONSTRAINT "spot_checks_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spot_checks" ADD CONSTRAINT "spot_checks_session_id_class_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."class_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spot_checks" ADD CONSTRAINT "spot_checks_started_by_accounts_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oversight_corrections" ADD CONSTRAINT "oversight_corrections_item_id_oversight_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."oversight_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oversight_corrections" ADD CONSTRAINT "oversight_corrections_submitted_by_accounts_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oversight_corrections" ADD CONSTRAINT "oversight_corrections_decided_by_accounts_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oversight_items" ADD CONSTRAINT "oversight_items_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oversight_items" ADD CONSTRAINT "oversight_items_jurisdiction_id_jurisdictions_id_fk" FOREIGN KEY ("jurisdiction_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oversight_items" ADD CONSTRAINT "oversight_items_class_id_classes_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oversight_items" ADD CONSTRAINT "oversight_items_recorded_by_accounts_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sanctions" ADD CONSTRAINT "sanctions_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sanctions" ADD CONSTRAINT "sanctions_item_id_oversight_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."oversight_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sanctions" ADD CONSTRAINT "sanctions_issued_by_accounts_id_fk" FOREIGN KEY ("issued_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "attendance_reviews_subject_uq" ON "attendance_reviews" USING btree ("subject_kind","subject_id","account_id");--> statement-breakpoint
CREATE INDEX "attendance_reviews_class_idx" ON "attendance_reviews" USING btree ("class_id");--> statement-breakpoint
CREATE INDEX "recording_reviews_session_idx" ON "recording_reviews" USING btree ("session_id","reviewed_at");--> statement-breakpoint
CREATE INDEX "roll_call_responses_account_idx" ON "roll_call_responses" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "roll_calls_session_idx" ON "roll_calls" USING btree ("session_id","fired_at");--> statement-breakpoint
CREATE INDEX "roll_calls_due_idx" ON "roll_calls" USING btree ("status","due_at");--> statement-breakpoint
CREATE INDEX "roll_calls_class_idx" ON "roll_calls" USING btree ("class_id");--> statement-breakpoint
CREATE INDEX "spot_checks_session_idx" ON "spot_checks" USING btree ("session_id","created_at");--> statement-breakpoint
CREATE INDEX "oversight_corrections_item_idx" ON "oversight_corrections" USING btree ("item_id","submitted_at");--> statement-breakpoint
CREATE INDEX "oversight_items_institution_idx" ON "oversight_items" USING btree ("institution_id","occurred_on");--> statement-breakpoint
CREATE INDEX "oversight_items_jurisdiction_idx" ON "oversight_items" USING btree ("jurisdiction_id","status");--> statement-breakpoint
CREATE INDEX "oversight_items_deadline_idx" ON "oversight_items" USING btree ("status","deadline");--> statement-breakpoint
CREATE INDEX "sanctions_institution_idx" ON "sanctions" USING btree ("institution_id","issued_at");