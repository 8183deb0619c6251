ALTER TABLE `memory_items` ADD `source_email` text;--> statement-breakpoint
-- Items extracted before sources were kept name the person whose conversation they came from.
UPDATE `memory_items` SET `source_email` = (SELECT `user_email` FROM `conversations` WHERE `conversations`.`id` = `memory_items`.`conversation_id`) WHERE `source_email` IS NULL;
