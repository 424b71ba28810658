-- The default artifact store: content-addressed blobs every planner instance reads. A blob is stored
-- once per digest, in chunks of at most 1 MiB (PostgreSQL moves large values through TOAST; chunks keep
-- each row and each read small). Blobs no stored result refers to are collected after a grace period.
CREATE TABLE blobs (
    digest     text PRIMARY KEY,
    size       bigint      NOT NULL,
    chunks     int         NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE blob_chunks (
    digest text  NOT NULL REFERENCES blobs ON DELETE CASCADE,
    n      int   NOT NULL,
    data   bytea NOT NULL,
    PRIMARY KEY (digest, n)
);

-- What garbage collection asks: is this digest still referenced by any stored result?
CREATE INDEX results_artifacts ON results USING gin (artifacts);
