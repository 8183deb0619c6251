CREATE TABLE `task_counts` (
	`status` text NOT NULL,
	`verdict` text DEFAULT '' NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`status`, `verdict`)
);
--> statement-breakpoint
DROP INDEX `tasks_status_idx`;--> statement-breakpoint
DROP INDEX `tasks_agent_idx`;--> statement-breakpoint
DROP INDEX `tasks_created_idx`;--> statement-breakpoint
CREATE INDEX `tasks_status_idx` ON `tasks` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_agent_idx` ON `tasks` (`agent_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_created_idx` ON `tasks` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `task_events_to_idx` ON `task_events` (`to_status`,`created_at`);--> statement-breakpoint
-- Written by hand (drizzle-kit does not know triggers): task_counts follows every task's
-- (status, verdict). Every pair has its row from the start, so the triggers only add and take.
INSERT INTO `task_counts` (`status`, `verdict`)
  SELECT s.value, v.value
    FROM json_each('["PENDING","ASSIGNED","RUNNING","REVIEW","CHANGES_REQUESTED","DONE","FAILED","CANCELLED"]') AS s,
         json_each('["","approve","changes"]') AS v;--> statement-breakpoint
UPDATE `task_counts` SET `n` = (
  SELECT count(*) FROM `tasks` t
   WHERE t.`status` = `task_counts`.`status` AND coalesce(t.`verdict`, '') = `task_counts`.`verdict`
);--> statement-breakpoint
CREATE TRIGGER `task_counts_insert` AFTER INSERT ON `tasks` BEGIN
  UPDATE `task_counts` SET `n` = `n` + 1
   WHERE `status` = NEW.`status` AND `verdict` = coalesce(NEW.`verdict`, '');
END;--> statement-breakpoint
CREATE TRIGGER `task_counts_update` AFTER UPDATE OF `status`, `verdict` ON `tasks`
  WHEN OLD.`status` IS NOT NEW.`status` OR OLD.`verdict` IS NOT NEW.`verdict` BEGIN
  UPDATE `task_counts` SET `n` = `n` - 1
   WHERE `status` = OLD.`status` AND `verdict` = coalesce(OLD.`verdict`, '');
  UPDATE `task_counts` SET `n` = `n` + 1
   WHERE `status` = NEW.`status` AND `verdict` = coalesce(NEW.`verdict`, '');
END;--> statement-breakpoint
CREATE TRIGGER `task_counts_delete` AFTER DELETE ON `tasks` BEGIN
  UPDATE `task_counts` SET `n` = `n` - 1
   WHERE `status` = OLD.`status` AND `verdict` = coalesce(OLD.`verdict`, '');
END;
