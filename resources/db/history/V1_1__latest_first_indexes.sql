-- The history lists newest first as ORDER BY started_at DESC, id DESC. Indexes in exactly that
-- order let both databases read the first N entries and stop: without id in them, SQLite sorted
-- every record of the image in a temporary B-tree and PostgreSQL sorted each run of equal times.
CREATE INDEX builds_image_latest ON builds (image, started_at DESC, id DESC);
CREATE INDEX builds_latest ON builds (started_at DESC, id DESC);
DROP INDEX builds_image_started;
DROP INDEX builds_started;
