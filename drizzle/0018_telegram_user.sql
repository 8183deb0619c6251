-- telegram_chats: a link is bound to the Telegram user as well as the chat (issue 17). HQ links
-- private chats only, where Telegram makes chat.id == from.id, so a private link's user id is
-- its chat id. Group, supergroup and channel ids are negative: those links (made with the
-- group form `/start@bot CODE` before the fix) let any member act as the linker, so they
-- are removed, each with an audit row naming who linked it and why. SQLite adds a NOT NULL
-- column only by rebuilding the table; no foreign key points to or from telegram_chats.
INSERT INTO `audit_log` (`actor`, `action`, `entity_type`, `entity_id`, `request_id`, `summary`, `created_at`)
SELECT 'migration', 'telegram.unlink', 'telegram_chat', `chat_id`, 'migration-telegram_user',
	json_object('email', `user_email`, 'reason', 'not a private chat: HQ links private chats only'),
	CAST((julianday('now') - 2440587.5) * 86400000 AS integer)
FROM `telegram_chats` WHERE `chat_id` LIKE '-%';
--> statement-breakpoint
CREATE TABLE `__new_telegram_chats` (
	`chat_id` text PRIMARY KEY NOT NULL,
	`user_email` text NOT NULL,
	`telegram_user_id` text NOT NULL,
	`telegram_name` text,
	`muted_until` integer,
	`linked_at` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_telegram_chats`("chat_id", "user_email", "telegram_user_id", "telegram_name", "muted_until", "linked_at") SELECT "chat_id", "user_email", "chat_id", "telegram_name", "muted_until", "linked_at" FROM `telegram_chats` WHERE "chat_id" NOT LIKE '-%';--> statement-breakpoint
DROP TABLE `telegram_chats`;--> statement-breakpoint
ALTER TABLE `__new_telegram_chats` RENAME TO `telegram_chats`;--> statement-breakpoint
CREATE INDEX `telegram_chats_user_idx` ON `telegram_chats` (`user_email`);
