CREATE TABLE `review_comments` (
	`id` text PRIMARY KEY NOT NULL,
	`task_id` text NOT NULL,
	`head_commit` text NOT NULL,
	`path` text NOT NULL,
	`line` integer NOT NULL,
	`end_line` integer NOT NULL,
	`side` text DEFAULT 'new' NOT NULL,
	`body` text NOT NULL,
	`context` text NOT NULL,
	`author` text NOT NULL,
	`review_job_id` text,
	`sent_in_run` integer,
	`touched` integer,
	`touched_head` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `review_comments_task_idx` ON `review_comments` (`task_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `review_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`task_id` text NOT NULL,
	`head_commit` text NOT NULL,
	`reviewer_agent_id` text NOT NULL,
	`status` text DEFAULT 'QUEUED' NOT NULL,
	`runner_id` text,
	`lease_until` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`verdict` text,
	`summary` text,
	`error` text,
	`input_tokens` integer,
	`output_tokens` integer,
	`cost_usd` real,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewer_agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `review_jobs_status_idx` ON `review_jobs` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `review_jobs_task_idx` ON `review_jobs` (`task_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `tasks` ADD `reviewer_rounds` integer DEFAULT 0 NOT NULL;