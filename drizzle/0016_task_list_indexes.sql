DROP INDEX `tasks_status_idx`;--> statement-breakpoint
DROP INDEX `tasks_agent_idx`;--> statement-breakpoint
DROP INDEX `tasks_created_idx`;--> statement-breakpoint
CREATE INDEX `tasks_status_verdict_idx` ON `tasks` (`status`,`verdict`);--> statement-breakpoint
CREATE INDEX `tasks_status_idx` ON `tasks` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_agent_idx` ON `tasks` (`agent_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_created_idx` ON `tasks` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `task_events_to_idx` ON `task_events` (`to_status`,`created_at`);