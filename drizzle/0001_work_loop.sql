ALTER TABLE `spend_ledger` RENAME COLUMN "source" TO "purpose";--> statement-breakpoint
ALTER TABLE `agents` ADD `consecutive_failures` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `agents` ADD `cooldown_until` integer;--> statement-breakpoint
ALTER TABLE `tasks` ADD `verdict` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `failure_reason` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `input_tokens` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `tasks` ADD `output_tokens` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `tasks` ADD `cost_usd` real DEFAULT 0 NOT NULL;