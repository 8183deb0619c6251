-- Budgets and honest cost: the price table (tokens into money for CLIs that report no
-- money), where a ledger row's cost came from, token budgets for agents and missions, each
-- task's count of runs of unknown or estimated cost, and the running totals of a run in flight.
CREATE TABLE `prices` (
	`provider` text NOT NULL,
	`model` text NOT NULL,
	`input_per_million_usd` real NOT NULL,
	`output_per_million_usd` real NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`provider`, `model`)
);
--> statement-breakpoint
ALTER TABLE `agents` ADD `monthly_budget_tokens` integer;--> statement-breakpoint
ALTER TABLE `missions` ADD `budget_tokens` integer;--> statement-breakpoint
ALTER TABLE `spend_ledger` ADD `cost_source` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `unknown_cost_runs` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `tasks` ADD `estimated_cost_runs` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `tasks` ADD `run_input_tokens` integer;--> statement-breakpoint
ALTER TABLE `tasks` ADD `run_output_tokens` integer;--> statement-breakpoint
ALTER TABLE `tasks` ADD `run_cost_usd` real;--> statement-breakpoint
-- No price table existed before: a known task cost was the CLI's own figure, and HQ's own
-- model calls were priced from its built-in list.
UPDATE `spend_ledger` SET `cost_source` = CASE WHEN `purpose` = 'task' THEN 'reported' ELSE 'builtin' END WHERE `cost_usd` IS NOT NULL;--> statement-breakpoint
UPDATE `tasks` SET `unknown_cost_runs` = (SELECT count(*) FROM `spend_ledger` s WHERE s.`task_id` = `tasks`.`id` AND s.`cost_usd` IS NULL);