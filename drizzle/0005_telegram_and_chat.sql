CREATE TABLE `pending_actions` (
	`id` text PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`user_email` text NOT NULL,
	`tool` text NOT NULL,
	`args` text NOT NULL,
	`summary` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`outcome` text,
	`decided_at` integer
);
--> statement-breakpoint
CREATE INDEX `pending_actions_conversation_idx` ON `pending_actions` (`conversation_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `telegram_chats` (
	`chat_id` text PRIMARY KEY NOT NULL,
	`user_email` text NOT NULL,
	`telegram_name` text,
	`muted_until` integer,
	`linked_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `telegram_chats_user_idx` ON `telegram_chats` (`user_email`);--> statement-breakpoint
CREATE TABLE `telegram_link_codes` (
	`code_hash` text PRIMARY KEY NOT NULL,
	`user_email` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer
);
--> statement-breakpoint
CREATE TABLE `telegram_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`notification_id` text NOT NULL,
	`chat_id` text NOT NULL,
	`message_id` integer NOT NULL,
	`mission_id` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `telegram_messages_mission_idx` ON `telegram_messages` (`mission_id`);