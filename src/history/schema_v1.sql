-- History schema version 1 (rca's first history format). Kept as a file because the
-- migration fixture tests/fixtures/history-v1.sqlite was written from it.
CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL,
    total BIGINT NOT NULL,
    passed BIGINT NOT NULL,
    failed BIGINT NOT NULL,
    errors BIGINT NOT NULL,
    skipped BIGINT NOT NULL,
    xfailed BIGINT NOT NULL,
    xpassed BIGINT NOT NULL
);
CREATE INDEX runs_at ON runs (at);
CREATE TABLE run_tests (
    run_id TEXT NOT NULL,
    nodeid TEXT NOT NULL,
    outcome TEXT NOT NULL,
    categories TEXT NOT NULL,
    PRIMARY KEY (run_id, nodeid)
);
CREATE TABLE run_findings (
    run_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    category TEXT NOT NULL,
    events BIGINT NOT NULL,
    PRIMARY KEY (run_id, fingerprint)
);
CREATE TABLE run_categories (
    run_id TEXT NOT NULL,
    category TEXT NOT NULL,
    events BIGINT NOT NULL,
    PRIMARY KEY (run_id, category)
);
