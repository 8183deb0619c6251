ALTER TABLE `tasks` ADD `last_line` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `runs` integer DEFAULT 0 NOT NULL;