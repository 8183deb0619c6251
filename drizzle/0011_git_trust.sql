ALTER TABLE `runners` ADD `repositories` text;--> statement-breakpoint
ALTER TABLE `runners` ADD `free_disk_bytes` integer;--> statement-breakpoint
ALTER TABLE `runners` ADD `clones` integer;--> statement-breakpoint
ALTER TABLE `runners` ADD `disk_at` integer;--> statement-breakpoint
ALTER TABLE `tasks` ADD `head_commit` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `head_pushed` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `tasks` ADD `merge_runner_id` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `merge_lease_until` integer;