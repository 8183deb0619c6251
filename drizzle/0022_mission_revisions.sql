CREATE TABLE `mission_revisions` (
	`mission_id` text NOT NULL,
	`number` integer NOT NULL,
	`actor` text NOT NULL,
	`reason` text,
	`before` text,
	`after` text NOT NULL,
	`diff` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`mission_id`, `number`),
	FOREIGN KEY (`mission_id`) REFERENCES `missions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `missions` ADD `revision` integer DEFAULT 0 NOT NULL;