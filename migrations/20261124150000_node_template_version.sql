-- Nodes keep the template version they were built with (issue: flows using a changed
-- template show it, and can update or keep their version). NULL only in the moment
-- between a write and the statement after it that pins such a node to the template's
-- current version (store/flow_rows.rs).
ALTER TABLE composition_nodes ADD COLUMN template_version INTEGER
    CONSTRAINT node_template_version_positive CHECK (template_version >= 1);

-- Every node so far was built with its template as it is now.
UPDATE composition_nodes
SET template_version = (
    SELECT t.version FROM query_templates t WHERE t.template_id = composition_nodes.template_id
);
