-- Pathnames sent as route patterns (/users/:userId, by the Arkyn npm client) get templates that keep the parameter's
-- name (/users/{userId}). Their templates are cleared here and computed again by the migrator's code step for this version.
UPDATE pathnames SET template = '' WHERE value LIKE '%/:%';
