//! The file commands: validate, import and export flow files; list, import and export
//! templates as template packs.

use crate::{Failure, TemplatesCommand};
use flowloom_core::api::Runs;
use flowloom_core::engine::LocalEngine;
use flowloom_core::flowfile::{
    self, FlowFile, ImportError, NewerTemplates, OnConflict, ReadError, TemplateFate,
};
use flowloom_core::store::Store;
use flowloom_core::validation::{Catalog, Code, Diagnostic};
use flowloom_core::workspace::DATABASE_FILE;
use flowloom_core::{CompositionId, TemplateId, Workspace};
use serde_json::json;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// `--on-conflict` as the command line spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Conflict {
    KeepBoth,
    Replace,
    Fail,
}

impl From<Conflict> for OnConflict {
    fn from(c: Conflict) -> Self {
        match c {
            Conflict::KeepBoth => OnConflict::KeepBoth,
            Conflict::Replace => OnConflict::Replace,
            Conflict::Fail => OnConflict::Fail,
        }
    }
}

pub fn read(path: &Path) -> Result<String, Failure> {
    flowloom_core::user_files::read_text(path, flowfile::MAX_FILE_BYTES as u64)
        .map_err(Failure::unreadable)
}

pub async fn validate(
    path: &Path,
    json: bool,
    workspace: Option<&Path>,
    on_conflict: Conflict,
    out: &mut impl Write,
) -> Result<u8, Failure> {
    let (diagnostics, code) = match read(path) {
        Err(failure) if !json => return Err(failure),
        Err(failure) => (
            vec![Diagnostic::error(
                flowloom_core::validation::Code::BadFile,
                "",
                failure.message,
            )],
            2,
        ),
        Ok(text) => match FlowFile::read(&text) {
            Ok(file) => {
                let diagnostics = match workspace {
                    Some(dir) => in_workspace(file, dir, on_conflict).await?,
                    None => flowfile::check_file(file.clone(), &builtin_for(&file).await?).1,
                };
                let code = u8::from(diagnostics.iter().any(Diagnostic::is_error));
                (diagnostics, code)
            }
            Err(err @ ReadError::Unreadable(_)) => (err.diagnostics(), 2),
            Err(err @ ReadError::Invalid(_)) => (err.diagnostics(), 1),
        },
    };
    let written = if json {
        let report = json!({ "valid": code == 0, "diagnostics": diagnostics });
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&report).expect("diagnostics serialise")
        )
    } else {
        print_diagnostics(path, &diagnostics, code, out)
    };
    written.map_err(|e| Failure::refused(format!("could not write output: {e}")))?;
    Ok(code)
}

/// What `import` into the workspace at `dir` would find wrong with `file`, as it would
/// judge it (`flowfile::check_in_workspace`), each node's SQL planned against the
/// workspace's data files and data tables.
async fn in_workspace(
    file: FlowFile,
    dir: &Path,
    on_conflict: Conflict,
) -> Result<Vec<Diagnostic>, Failure> {
    if !dir.join(DATABASE_FILE).is_file() {
        return Err(Failure::unreadable(format!(
            "{} is not a workspace (it has no {DATABASE_FILE})",
            dir.display()
        )));
    }
    let workspace = Workspace::open(dir).await.map_err(Failure::refused)?;
    let checker = checker(&workspace).await?;
    let (_, diagnostics) =
        flowfile::check_in_workspace(workspace.store(), file, on_conflict.into(), Some(&checker))
            .await
            .map_err(Failure::refused)?;
    Ok(diagnostics)
}

/// Why importing `what` (a flow file, a template pack) wrote nothing, every problem listed.
fn not_imported(what: &str, err: ImportError) -> Failure {
    match err {
        ImportError::Read(ReadError::Unreadable(d)) => Failure::unreadable(d.message),
        ImportError::Read(ReadError::Invalid(ds))
        | ImportError::Invalid(ds)
        | ImportError::Conflicts(ds) => {
            let lines: Vec<String> = ds.iter().map(ToString::to_string).collect();
            Failure::refused(format!(
                "{what} has problems, nothing was imported:\n{}",
                lines.join("\n")
            ))
        }
        other => Failure::refused(format!("{other}; nothing was imported")),
    }
}

/// Where `workspace`'s templates are planned before an import: its engine, over its data
/// files and data tables, and the databases of its other data sources.
async fn checker(workspace: &Workspace) -> Result<Runs, Failure> {
    let engine = LocalEngine::for_workspace(workspace)
        .await
        .map_err(Failure::refused)?;
    Ok(Runs::new(workspace.clone(), Arc::new(engine)))
}

/// Without a workspace, the templates a file is checked against besides those it carries:
/// those every workspace has built in.
async fn builtin_for(file: &FlowFile) -> Result<Catalog, Failure> {
    let carried = |id: &TemplateId| file.templates.iter().any(|t| &t.template_id == id);
    if file.nodes.iter().all(|n| carried(&n.template_id)) {
        // Nothing to look up: the migrations are not run for nothing.
        return Ok(Catalog::default());
    }
    // Only those the file does not carry: the file alone is checked as it is.
    let builtin = Store::builtin_templates()
        .await
        .map_err(Failure::refused)?
        .into_iter()
        .filter(|d| {
            let id = &d.template.template_id;
            file.templates.iter().all(|t| &t.template_id != id)
        });
    Ok(Catalog::from_details(builtin))
}

fn print_diagnostics(
    path: &Path,
    diagnostics: &[Diagnostic],
    code: u8,
    out: &mut impl Write,
) -> std::io::Result<()> {
    for d in diagnostics {
        writeln!(out, "{}: {d}", path.display())?;
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    match code {
        0 => writeln!(out, "{}: valid ({warnings} warning(s))", path.display()),
        _ => writeln!(
            out,
            "{}: {errors} error(s), {warnings} warning(s)",
            path.display()
        ),
    }
}

pub async fn import(
    workspace: &Workspace,
    text: &str,
    on_conflict: Conflict,
    newer: NewerTemplates,
    out: &mut impl Write,
) -> Result<(), Failure> {
    // The file is judged as `validate --workspace` judges it, its SQL planned where it runs.
    let checker = checker(workspace).await?;
    let outcome = flowfile::import_checked(
        workspace.store(),
        text,
        on_conflict.into(),
        newer,
        Some(&checker),
    )
    .await
    .map_err(|err| not_imported("the flow file", err))?;
    let write = |out: &mut dyn Write| -> std::io::Result<()> {
        let verb = if outcome.replaced_flow {
            "replaced"
        } else {
            "imported"
        };
        writeln!(out, "{verb} {}", outcome.composition_id)?;
        for (id, fate) in &outcome.templates {
            writeln!(out, "  template {id}: {}", describe(fate))?;
        }
        for warning in &outcome.warnings {
            writeln!(out, "  {warning}")?;
        }
        if outcome
            .warnings
            .iter()
            .any(|w| w.code == Code::TemplateChanged)
        {
            writeln!(
                out,
                "  (to move these nodes onto the newest version, import with --update-templates; to keep them on theirs, --keep-templates; or update or keep each node in the app's inspector)"
            )?;
        }
        Ok(())
    };
    write(out).map_err(|e| Failure::refused(format!("could not write output: {e}")))
}

pub async fn export(
    workspace: &Workspace,
    id: &str,
    output: Option<&Path>,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let file = flowfile::export(workspace.store(), &CompositionId::from(id))
        .await
        .map_err(Failure::refused)?;
    let text = file.to_text();
    match output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| Failure::refused(format!("cannot write {}: {e}", path.display()))),
        None => out
            .write_all(text.as_bytes())
            .map_err(|e| Failure::refused(format!("could not write output: {e}"))),
    }
}

fn describe(fate: &TemplateFate) -> String {
    match fate {
        TemplateFate::Added => "added".to_owned(),
        TemplateFate::Reused => "reused (identical)".to_owned(),
        TemplateFate::Updated => "updated to the file's newer version".to_owned(),
        TemplateFate::Replaced => "replaced".to_owned(),
        TemplateFate::RenamedTo(new) => format!("kept both: the file's is now {new}"),
    }
}

pub async fn templates(
    command: TemplatesCommand,
    workspace: &Workspace,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let store = workspace.store();
    let write = |e: std::io::Error| Failure::refused(format!("could not write output: {e}"));
    match command {
        TemplatesCommand::List => {
            for detail in store.list_templates().await.map_err(Failure::refused)? {
                let template = detail.template;
                writeln!(out, "{}\t{}", template.template_id, template.name).map_err(write)?;
            }
        }
        TemplatesCommand::Export { ids, output } => {
            let ids: Vec<TemplateId> = ids.into_iter().map(TemplateId::new).collect();
            let text = flowfile::export_templates(store, &ids)
                .await
                .map_err(Failure::refused)?
                .to_text();
            match output {
                Some(path) => std::fs::write(&path, text).map_err(|e| {
                    Failure::refused(format!("cannot write {}: {e}", path.display()))
                })?,
                None => out.write_all(text.as_bytes()).map_err(write)?,
            }
        }
        TemplatesCommand::Import { file, on_conflict } => {
            let text = read(&file)?;
            let checker = checker(workspace).await?;
            let outcome = flowfile::import_templates_checked(
                store,
                &text,
                on_conflict.into(),
                Some(&checker),
            )
            .await
            .map_err(|err| not_imported("the template pack", err))?;
            for (id, fate) in &outcome.templates {
                writeln!(out, "template {id}: {}", describe(fate)).map_err(write)?;
            }
        }
    }
    Ok(())
}
