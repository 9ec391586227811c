// The top bar of a screen the home screen leads to (tables, templates, schedules, gallery):
// "Flows" to go back home, and the screen's title.
import { useAppActions } from "../store";
import { BackIcon } from "./icons";

type Props = {
  readonly title: string;
  /** The back button's test id. */
  readonly backTestId: string;
};

export function ScreenTopBar({ title, backTestId }: Props) {
  const { goHome } = useAppActions();
  return (
    <header className="topbar">
      <button type="button" className="back" data-testid={backTestId} onClick={() => void goHome()}>
        <BackIcon />
        Flows
      </button>
      <h1 className="screen-title">{title}</h1>
    </header>
  );
}
