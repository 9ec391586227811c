-- The newest kept result of each cache key of a flow: what a run looks up to reuse results,
-- without reading the flow's whole history (which grows with every run; a flow scheduled
-- every five minutes keeps thousands). Kept by the store as node runs are recorded; goes
-- with the node run it names (a pruned run) and with its flow.
CREATE TABLE node_result_cache (
    composition     INTEGER NOT NULL REFERENCES compositions (id) ON DELETE CASCADE,
    cache_key       TEXT    NOT NULL,
    node_execution  INTEGER NOT NULL REFERENCES node_executions (id) ON DELETE CASCADE,
    PRIMARY KEY (composition, cache_key)
) WITHOUT ROWID;
CREATE INDEX node_result_cache_node_execution ON node_result_cache (node_execution);

INSERT INTO node_result_cache (composition, cache_key, node_execution)
SELECT e.composition, n.cache_key, max(n.id)
FROM node_executions n
JOIN flow_executions e ON e.id = n.execution
WHERE e.composition IS NOT NULL AND n.status = 'COMPLETED'
  AND n.cache_key IS NOT NULL AND n.result_location IS NOT NULL
GROUP BY e.composition, n.cache_key;
