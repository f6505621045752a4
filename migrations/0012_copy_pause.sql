-- /copy pause: leaders' new opens are skipped while their exits are still mirrored (one row;
-- absent means not paused). Unlike the emergency stop it holds nothing else.
CREATE TABLE copy_pause (
    id         SMALLINT PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    paused     BOOLEAN     NOT NULL,
    changed_by TEXT        NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
