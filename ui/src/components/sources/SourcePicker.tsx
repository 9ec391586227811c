// The template editor's source picker: the data source a template's SQL runs on, from the
// workspace's sources (`src_local`, "This computer", first). A data-table template works on
// the workspace's own tables, so it stays on `src_local` and the picker is disabled for it.
import { useEffect } from "react";
import type { SourceDetail } from "../../api";
import { LOCAL_SOURCE, sortSources } from "../../lib/sources";
import { useAppActions, useAppState } from "../../store";

/** The workspace's sources as last read ([] until they are), reading them when a screen showing them opens. */
export function useSources({ load }: { readonly load: boolean } = { load: false }): readonly SourceDetail[] {
  const list = useAppState((state) => state.sources.list);
  const { loadSources } = useAppActions();
  useEffect(() => {
    if (load) void loadSources();
  }, [load, loadSources]);
  return list.status === "ready" ? list.data : [];
}

type Props = {
  readonly sourceId: string;
  readonly dataTable: boolean;
  readonly onChange: (sourceId: string) => void;
};

export function SourcePicker({ sourceId, dataTable, onChange }: Props) {
  const sources = sortSources(useSources({ load: true }));
  const known = sources.some((s) => s.source.source_id === sourceId);
  return (
    <label className="field">
      <span className="field__label">Runs on</span>
      <select
        className="field__input"
        data-testid="template-source"
        value={dataTable ? LOCAL_SOURCE : sourceId}
        disabled={dataTable}
        title={dataTable ? "A data-table template works on this computer's data tables." : undefined}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      >
        {!known && <option value={sourceId}>{sourceId === LOCAL_SOURCE ? "This computer" : `${sourceId} (not in this workspace)`}</option>}
        {sources.map(({ source }) => (
          <option key={source.source_id} value={source.source_id}>
            {source.name}
          </option>
        ))}
      </select>
      <span className="field__hint">
        {dataTable ? "Data-table templates run on this computer." : "The data source its SQL runs on. Add databases on the Data sources screen."}
      </span>
    </label>
  );
}
