CREATE TABLE `agent_questions` (
	`id` text PRIMARY KEY NOT NULL,
	`task_id` text NOT NULL,
	`agent_slug` text NOT NULL,
	`run` integer NOT NULL,
	`question` text NOT NULL,
	`answer` text,
	`answered_by` text,
	`asked_at` integer NOT NULL,
	`answered_at` integer,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `agent_questions_task_idx` ON `agent_questions` (`task_id`,`asked_at`);--> statement-breakpoint
CREATE TABLE `planning_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`routine_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`repository` text NOT NULL,
	`target_branch` text NOT NULL,
	`status` text DEFAULT 'QUEUED' NOT NULL,
	`fingerprint` text NOT NULL,
	`runner_id` text,
	`lease_until` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`proposed` integer DEFAULT 0 NOT NULL,
	`merged` integer DEFAULT 0 NOT NULL,
	`error` text,
	`input_tokens` integer,
	`output_tokens` integer,
	`cost_usd` real,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`routine_id`) REFERENCES `routines`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `planning_jobs_status_idx` ON `planning_jobs` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `planning_jobs_routine_idx` ON `planning_jobs` (`routine_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `repository_snapshots` (
	`repository` text NOT NULL,
	`runner_id` text NOT NULL,
	`branch` text NOT NULL,
	`head_commit` text NOT NULL,
	`files` text NOT NULL,
	`file_count` integer NOT NULL,
	`reported_at` integer NOT NULL,
	PRIMARY KEY(`repository`, `runner_id`)
);
--> statement-breakpoint
CREATE TABLE `routine_fires` (
	`id` text PRIMARY KEY NOT NULL,
	`routine_id` text NOT NULL,
	`fire_key` text NOT NULL,
	`trigger` text NOT NULL,
	`scheduled_for` integer NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`mission_id` text,
	`planning_job_id` text,
	`actor` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`routine_id`) REFERENCES `routines`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`mission_id`) REFERENCES `missions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `routine_fires_key_idx` ON `routine_fires` (`routine_id`,`fire_key`);--> statement-breakpoint
CREATE INDEX `routine_fires_routine_idx` ON `routine_fires` (`routine_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `routine_revisions` (
	`routine_id` text NOT NULL,
	`number` integer NOT NULL,
	`actor` text NOT NULL,
	`reason` text,
	`before` text,
	`after` text NOT NULL,
	`diff` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`routine_id`, `number`),
	FOREIGN KEY (`routine_id`) REFERENCES `routines`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `routines` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`template` text,
	`agent_id` text,
	`repository` text,
	`target_branch` text DEFAULT 'main' NOT NULL,
	`cron` text,
	`time_zone` text DEFAULT 'UTC' NOT NULL,
	`webhook_secret_sealed` text,
	`pre_approved_by` text,
	`concurrency` text DEFAULT 'skip_if_open' NOT NULL,
	`catch_up` text DEFAULT 'skip' NOT NULL,
	`paused_at` integer,
	`paused_by` text,
	`cron_cursor` integer,
	`next_run_at` integer,
	`revision` integer DEFAULT 0 NOT NULL,
	`created_by` text NOT NULL,
	`archived_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `routines_next_run_idx` ON `routines` (`next_run_at`);