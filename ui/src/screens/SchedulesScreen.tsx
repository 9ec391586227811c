// Schedules: the runs missed while the app was closed, the schedules beside the editor of a new
// or stored one. The state and every step live in the store (`store/schedules.ts`).
import { ErrorNotice } from "../components/ErrorNotice";
import { ScreenTopBar } from "../components/ScreenTopBar";
import { ScheduleEditor } from "../components/schedules/ScheduleEditor";
import { ScheduleList } from "../components/schedules/ScheduleList";
import { LOCAL_ZONE } from "../components/schedules/timeZones";
import { describeMissed } from "../lib/schedule";
import { useAppActions, useAppState } from "../store";
import "../styles/schedules.css";

export function SchedulesScreen() {
  const editor = useAppState((state) => state.schedules.editor);
  const notice = useAppState((state) => state.notice);
  const { dismissNotice } = useAppActions();

  return (
    <div className="screen">
      <ScreenTopBar title="Schedules" backTestId="schedules-home" />
      <MissedRuns />
      <div className="list-screen">
        <ScheduleList />
        <main className="list-screen__pane">
          {notice && <ErrorNotice error={notice} onDismiss={dismissNotice} />}
          {editor === null ? (
            <p className="list-screen__hint">
              Run a flow on a timetable, when files change, or when another flow’s run ends. Make a new schedule, or edit one.
            </p>
          ) : (
            <ScheduleEditor key={editor.kind === "edit" ? editor.schedule.id : "new"} editor={editor} />
          )}
        </main>
      </div>
    </div>
  );
}

/** The cron runs that were due while the app was closed, one line per schedule. */
function MissedRuns() {
  const missed = useAppState((state) => state.schedules.missed);
  if (missed.status !== "ready" || missed.data.length === 0) return null;
  return (
    <section className="missed" role="status" data-testid="missed-schedules" aria-label="Runs missed while Flowloom was closed">
      <strong className="missed__title">Missed while Flowloom was closed</strong>
      <ul className="missed__list">
        {missed.data.map((item) => (
          <li key={item.schedule} data-schedule-id={item.schedule}>
            {describeMissed(item, LOCAL_ZONE)}
          </li>
        ))}
      </ul>
    </section>
  );
}
