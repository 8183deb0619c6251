ALTER TABLE `missions` ADD `decision_request_id` text;--> statement-breakpoint
ALTER TABLE `missions` ADD `plan` text DEFAULT '[]' NOT NULL;