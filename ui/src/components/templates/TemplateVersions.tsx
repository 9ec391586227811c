// Every version a template has had, newest first: pick one to read its SQL and parameters.
import { useState } from "react";
import type { Template } from "../../api";
import { plural } from "../../lib/format";
import type { Loadable } from "../../lib/loadable";
import { ErrorNotice } from "../ErrorNotice";

export function TemplateVersions({ versions }: { readonly versions: Loadable<Template[]> }) {
  const [picked, setPicked] = useState<number | null>(null);
  if (versions.status === "loading") {
    return (
      <p className="list-status" aria-busy="true">
        Loading versions…
      </p>
    );
  }
  if (versions.status === "failed") return <ErrorNotice title="Could not read the versions" error={versions.error} />;
  const shown = versions.data.find((v) => v.version === picked) ?? versions.data[0];
  return (
    <div className="template-section" data-testid="template-versions">
      <h3 className="template-section__title">Versions</h3>
      <div className="template-versions">
        <ul className="template-versions__list">
          {versions.data.map((version) => (
            <li key={version.version}>
              <button
                type="button"
                className={`template-versions__item${version === shown ? " template-versions__item--open" : ""}`}
                aria-current={version === shown ? "true" : undefined}
                data-testid="template-version-row"
                data-version={version.version}
                onClick={() => {
                  setPicked(version.version);
                }}
              >
                <span>Version {version.version}</span>
                <span className="template-versions__meta">{plural(version.parameters.length, "parameter")}</span>
              </button>
            </li>
          ))}
        </ul>
        {shown !== undefined && (
          <pre className="template-versions__sql" data-testid="template-version-sql" data-version={shown.version}>
            {shown.sql}
          </pre>
        )}
      </div>
    </div>
  );
}
