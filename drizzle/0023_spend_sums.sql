CREATE TABLE `agent_month_spend` (
	`agent_id` text NOT NULL,
	`month_start` integer NOT NULL,
	`cost_usd` real DEFAULT 0 NOT NULL,
	`tokens` integer DEFAULT 0 NOT NULL,
	`unknown_cost` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`agent_id`, `month_start`)
);
--> statement-breakpoint
CREATE TABLE `mission_spend` (
	`mission_id` text PRIMARY KEY NOT NULL,
	`cost_usd` real DEFAULT 0 NOT NULL,
	`tokens` integer DEFAULT 0 NOT NULL,
	`unknown_cost` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- Written by hand (drizzle-kit has no triggers): every ledger insert adds to both sums, in the
-- same statement, so a batch that inserts a ledger row keeps them in step however it ends.
CREATE TRIGGER `spend_ledger_sums` AFTER INSERT ON `spend_ledger`
BEGIN
  INSERT INTO `agent_month_spend` (`agent_id`, `month_start`, `cost_usd`, `tokens`, `unknown_cost`)
  SELECT NEW.agent_id,
    CAST(strftime('%s', NEW.created_at / 1000, 'unixepoch', 'start of month') AS INTEGER) * 1000,
    coalesce(NEW.cost_usd, 0), coalesce(NEW.input_tokens, 0) + coalesce(NEW.output_tokens, 0),
    NEW.cost_usd IS NULL
  WHERE NEW.agent_id IS NOT NULL
  ON CONFLICT (`agent_id`, `month_start`) DO UPDATE SET
    `cost_usd` = `cost_usd` + excluded.`cost_usd`, `tokens` = `tokens` + excluded.`tokens`,
    `unknown_cost` = `unknown_cost` + excluded.`unknown_cost`;
  INSERT INTO `mission_spend` (`mission_id`, `cost_usd`, `tokens`, `unknown_cost`)
  SELECT t.mission_id, coalesce(NEW.cost_usd, 0),
    coalesce(NEW.input_tokens, 0) + coalesce(NEW.output_tokens, 0), NEW.cost_usd IS NULL
  FROM `tasks` t WHERE t.id = NEW.task_id
  ON CONFLICT (`mission_id`) DO UPDATE SET
    `cost_usd` = `cost_usd` + excluded.`cost_usd`, `tokens` = `tokens` + excluded.`tokens`,
    `unknown_cost` = `unknown_cost` + excluded.`unknown_cost`;
END;
--> statement-breakpoint
-- The sums of the rows already in the ledger.
INSERT INTO `agent_month_spend` (`agent_id`, `month_start`, `cost_usd`, `tokens`, `unknown_cost`)
SELECT agent_id, CAST(strftime('%s', created_at / 1000, 'unixepoch', 'start of month') AS INTEGER) * 1000 AS month,
  coalesce(sum(cost_usd), 0), coalesce(sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0)), 0),
  count(*) - count(cost_usd)
FROM `spend_ledger` WHERE agent_id IS NOT NULL GROUP BY agent_id, month;
--> statement-breakpoint
INSERT INTO `mission_spend` (`mission_id`, `cost_usd`, `tokens`, `unknown_cost`)
SELECT t.mission_id, coalesce(sum(s.cost_usd), 0),
  coalesce(sum(coalesce(s.input_tokens, 0) + coalesce(s.output_tokens, 0)), 0), count(*) - count(s.cost_usd)
FROM `spend_ledger` s JOIN `tasks` t ON t.id = s.task_id GROUP BY t.mission_id;
