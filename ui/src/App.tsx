// The app shell: picks the screen for the current route and loads the home data once.
import { useEffect } from "react";
import { FlowScreen } from "./screens/FlowScreen";
import { GalleryScreen } from "./screens/GalleryScreen";
import { HomeScreen } from "./screens/HomeScreen";
import { SchedulesScreen } from "./screens/SchedulesScreen";
import { SourcesScreen } from "./screens/SourcesScreen";
import { TablesScreen } from "./screens/TablesScreen";
import { TemplatesScreen } from "./screens/TemplatesScreen";
import { useAppActions, useAppState } from "./store";

export function App() {
  const route = useAppState((state) => state.route);
  const dropHover = useAppState((state) => state.dropHover);
  const { loadHome } = useAppActions();

  useEffect(() => {
    void loadHome();
  }, [loadHome]);

  return (
    <>
      {route.screen === "home" && <HomeScreen />}
      {route.screen === "flow" && <FlowScreen key={route.flowId} />}
      {route.screen === "tables" && <TablesScreen />}
      {route.screen === "schedules" && <SchedulesScreen />}
      {route.screen === "sources" && <SourcesScreen />}
      {route.screen === "templates" && <TemplatesScreen />}
      {route.screen === "gallery" && <GalleryScreen />}
      {dropHover && (
        <div className="drop-overlay" role="status" data-testid="drop-overlay">
          Drop a flow file (.flow.json) to import it
        </div>
      )}
    </>
  );
}
