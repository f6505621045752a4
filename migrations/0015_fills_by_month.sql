-- fills, range-partitioned by block time, one partition a month: queries that name a time
-- window read only its months, and an old month can be vacuumed, moved or dropped whole.
-- The existing table is converted in this migration's transaction: every row is copied once
-- with its id, the id sequence carries on, then the old table is dropped.

-- Makes sure a partition exists for every month from `first_time` through `last_time`.
-- Rows already in the default partition for such a month move into it first (attaching
-- would fail otherwise). Returns the partitions created. Called by this migration, by every
-- insert of fills (cheap when nothing is missing) and by `alfa db optimize`.
CREATE FUNCTION alfa_ensure_fills_partitions(first_time timestamptz, last_time timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    month_start timestamp := date_trunc('month', first_time AT TIME ZONE 'UTC');
    month_end timestamp;
    partition_name text;
    created integer := 0;
BEGIN
    WHILE month_start <= last_time AT TIME ZONE 'UTC' LOOP
        month_end := month_start + interval '1 month';
        partition_name := 'fills_' || to_char(month_start, 'YYYY_MM');
        IF to_regclass(partition_name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I (LIKE fills INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', partition_name);
            EXECUTE format('WITH moved AS (DELETE FROM fills_default WHERE block_time >= %L AND block_time < %L RETURNING *) '
                           'INSERT INTO %I SELECT * FROM moved',
                           month_start AT TIME ZONE 'UTC', month_end AT TIME ZONE 'UTC', partition_name);
            EXECUTE format('ALTER TABLE fills ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                           partition_name, month_start AT TIME ZONE 'UTC', month_end AT TIME ZONE 'UTC');
            created := created + 1;
        END IF;
        month_start := month_end;
    END LOOP;
    RETURN created;
END;
$$;

ALTER SEQUENCE fills_id_seq OWNED BY NONE;
ALTER TABLE fills RENAME TO fills_unpartitioned;

CREATE TABLE fills (LIKE fills_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (block_time);
-- A safety net: a fill of a month without its partition still lands (the next insert or
-- `alfa db optimize` moves it to its month).
CREATE TABLE fills_default PARTITION OF fills DEFAULT;

SELECT alfa_ensure_fills_partitions(
    coalesce((SELECT min(block_time) FROM fills_unpartitioned), now()),
    greatest(coalesce((SELECT max(block_time) FROM fills_unpartitioned), now()), now()) + interval '2 months');

INSERT INTO fills SELECT * FROM fills_unpartitioned;
DROP TABLE fills_unpartitioned;
ALTER SEQUENCE fills_id_seq OWNED BY fills.id;

-- A unique key of a partitioned table must hold the partition key. A log's block time is
-- fixed by its block, and a reorg deletes the old block's fills before the new ones come, so
-- (tx_hash, log_index, block_time) still stores each log exactly once.
ALTER TABLE fills ADD PRIMARY KEY (id, block_time);
ALTER TABLE fills ADD CONSTRAINT fills_log_unique UNIQUE (tx_hash, log_index, block_time);
CREATE INDEX fills_trader_time ON fills (trader, block_time, log_index);
CREATE INDEX fills_block_time ON fills (block_time);
-- Chain order (the leaderboard's replay, reorg rollback, exports by block range).
CREATE INDEX fills_chain_order ON fills (block_number, log_index);
CREATE INDEX fills_pair_recent ON fills (pair_index, block_number, log_index);
CREATE INDEX fills_order_id ON fills (order_id);
