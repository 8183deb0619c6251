ALTER TABLE `missions` ADD `finish_reason` text;--> statement-breakpoint
ALTER TABLE `missions` ADD `finished_at` integer;