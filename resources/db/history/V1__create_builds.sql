-- One row per build attempt. Plain types only, so the same script runs on SQLite and PostgreSQL.
-- Times are milliseconds since the epoch (UTC). Nothing secret is stored here: the config never
-- holds credentials, and registry credentials never pass through the history.
CREATE TABLE builds (
  id               VARCHAR(32) PRIMARY KEY,
  image            TEXT NOT NULL,
  tags             TEXT NOT NULL,
  auto_tag         TEXT,
  digest           TEXT,
  prior_digest     TEXT,
  image_id         TEXT,
  size             BIGINT,
  config           TEXT,
  dockerfile       TEXT,
  config_hash      TEXT,
  rootfs_sha256    TEXT,
  rootfs_size      BIGINT,
  status           VARCHAR(16) NOT NULL,
  error            TEXT,
  started_at       BIGINT NOT NULL,
  ended_at         BIGINT,
  deadline         BIGINT NOT NULL,
  triggered_by     TEXT,
  job_name         TEXT,
  build_number     TEXT,
  build_url        TEXT,
  request_id       TEXT,
  log_url          TEXT,
  remarks          TEXT,
  host             TEXT NOT NULL,
  owner_pid        BIGINT NOT NULL,
  owner_started_at BIGINT
);

-- "the latest N builds of one image" and "the latest N builds of any image"
CREATE INDEX builds_image_started ON builds (image, started_at DESC);
CREATE INDEX builds_started ON builds (started_at DESC);
-- the reuse query: latest successful build of an image with the same inputs
CREATE INDEX builds_reuse ON builds (image, config_hash, rootfs_sha256, started_at DESC);
-- builds left running, to settle
CREATE INDEX builds_status ON builds (status);

-- The automatic tag sequence of each image: the last number handed out.
CREATE TABLE tag_sequences (
  image       TEXT PRIMARY KEY,
  last_number BIGINT NOT NULL
);
