CREATE TABLE `telegram_decision_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`chat_id` text NOT NULL,
	`message_id` integer NOT NULL,
	`decision_kind` text NOT NULL,
	`decision_id` text NOT NULL,
	`text` text NOT NULL,
	`buttons` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `telegram_decision_messages_unique` ON `telegram_decision_messages` (`chat_id`,`message_id`,`decision_kind`,`decision_id`);--> statement-breakpoint
CREATE INDEX `telegram_decision_messages_decision_idx` ON `telegram_decision_messages` (`decision_kind`,`decision_id`);--> statement-breakpoint
-- Proposal messages of missions still waiting keep their buttons live under the new table.
INSERT INTO `telegram_decision_messages` (`chat_id`, `message_id`, `decision_kind`, `decision_id`, `text`, `buttons`, `created_at`)
SELECT m.`chat_id`, m.`message_id`, 'mission', m.`mission_id`, n.`text`,
  json_array(json_array(
    json_object('label', '✅ Approve', 'action', 'mission:approve:' || m.`mission_id`),
    json_object('label', '❌ Reject', 'action', 'mission:reject:' || m.`mission_id`))),
  m.`created_at`
FROM `telegram_messages` m
JOIN `notifications` n ON n.`id` = m.`notification_id`
JOIN `missions` s ON s.`id` = m.`mission_id` AND s.`status` = 'PROPOSED';--> statement-breakpoint
DROP TABLE `telegram_messages`;