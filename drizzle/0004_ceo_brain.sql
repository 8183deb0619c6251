ALTER TABLE `conversation_messages` ADD `source_key` text;--> statement-breakpoint
CREATE UNIQUE INDEX `conversation_messages_source_idx` ON `conversation_messages` (`source_key`);--> statement-breakpoint
ALTER TABLE `conversations` ADD `extraction` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `proactive` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `notifications` ADD `low_signal` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `notifications` ADD `raw_text` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `voice` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `digest_id` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `details` text;--> statement-breakpoint
CREATE INDEX `notifications_subject_idx` ON `notifications` (`event_type`,`entity_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `notifications_digest_idx` ON `notifications` (`digest_id`);