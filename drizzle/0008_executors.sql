-- spend_ledger: cost and tokens become nullable (null = unknown, never a made-up 0). SQLite
-- changes a column's NOT NULL only by rebuilding the table. No foreign key points to or from
-- spend_ledger, so the rebuild needs no foreign_keys PRAGMA (which D1 ignores anyway).
CREATE TABLE `__new_spend_ledger` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agent_id` text,
	`provider` text NOT NULL,
	`model` text NOT NULL,
	`purpose` text NOT NULL,
	`task_id` text,
	`input_tokens` integer DEFAULT 0,
	`output_tokens` integer DEFAULT 0,
	`cost_usd` real,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_spend_ledger`("id", "agent_id", "provider", "model", "purpose", "task_id", "input_tokens", "output_tokens", "cost_usd", "created_at") SELECT "id", "agent_id", "provider", "model", "purpose", "task_id", "input_tokens", "output_tokens", "cost_usd", "created_at" FROM `spend_ledger`;--> statement-breakpoint
DROP TABLE `spend_ledger`;--> statement-breakpoint
ALTER TABLE `__new_spend_ledger` RENAME TO `spend_ledger`;--> statement-breakpoint
CREATE INDEX `spend_agent_idx` ON `spend_ledger` (`agent_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `spend_time_idx` ON `spend_ledger` (`created_at`);--> statement-breakpoint
ALTER TABLE `agents` ADD `executor` text;--> statement-breakpoint
ALTER TABLE `runners` ADD `capabilities` text;--> statement-breakpoint
ALTER TABLE `runners` ADD `capabilities_at` integer;