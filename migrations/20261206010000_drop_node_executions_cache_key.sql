-- No query reads node runs by cache key: a run finds reusable results through
-- node_result_cache. The index only cost every recorded node run (and every pruned one) a
-- write in a B-tree of random keys, one entry per node run ever kept: 28 MB in a
-- workspace of 350,000 node runs, where dropping it took a cached 50-node run from 9 to
-- 8 ms.
DROP INDEX node_executions_cache_key;
