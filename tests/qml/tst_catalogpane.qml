import QtQuick
import QtTest
import Longrun.Backend
import Longrun.Ui

// TestCase is invisible; the items under test live on this visible stage.
Item {
    id: root
    width: 360
    height: 900

    TestCase {
        id: testCase
        name: "CatalogPane"
        when: windowShown

        Component {
            id: paneComponent
            CatalogPane {
                width: 360
                height: 900
            }
        }

        function initTestCase() {
            tryVerify(() => TaskController.catalog.indexOf("sleep") >= 0, 10000, "the catalog loads");
        }

        function cleanup() {
            TaskController.cancelAll();
            tryVerify(() => !TaskController.hasActiveJobs, 10000);
            TaskController.clearFinished();
        }

        function test_faults_are_apart() {
            const pane = createTemporaryObject(paneComponent, root);
            const fault = findChild(pane, "kindCard_fault");
            const primes = findChild(pane, "kindCard_primes");
            verify(fault && primes);
            verify(fault.isFault);
            verify(!primes.isFault);
            // The demo failures come after every other kind.
            verify(fault.mapToItem(pane, 0, 0).y > primes.mapToItem(pane, 0, 0).y);
        }

        function test_sleep_is_picked_first() {
            const pane = createTemporaryObject(paneComponent, root);
            compare(pane.selectedKind, "sleep");
            const start = findChild(pane, "startButton_sleep");
            verify(start.visible);
            verify(start.enabled);
        }

        function test_invalid_field_disables_start() {
            const pane = createTemporaryObject(paneComponent, root);
            const field = findChild(pane, "field_sleep_seconds");
            const start = findChild(pane, "startButton_sleep");
            const problem = findChild(pane, "problem_sleep_seconds");
            field.text = "soon";
            tryVerify(() => !start.enabled);
            verify(problem.visible);
            verify(problem.text.length > 0);
            field.text = "";  // empty optional field: the default
            tryVerify(() => start.enabled);
            verify(!problem.visible);
        }

        function test_pick_and_start_several() {
            const pane = createTemporaryObject(paneComponent, root);
            const header = findChild(pane, "kind_primes");
            mouseClick(header);
            compare(pane.selectedKind, "primes");
            findChild(pane, "field_primes_limit").text = "1000";
            findChild(pane, "count_primes").value = 3;
            const start = findChild(pane, "startButton_primes");
            tryVerify(() => start.visible && start.enabled);
            waitForItemPolished(findChild(pane, "kindCard_primes"));
            waitForRendering(pane);
            const before = TaskController.model.total;
            mouseClick(start);
            compare(TaskController.model.total, before + 3);
            tryVerify(() => TaskController.model.succeeded >= 3, 20000);
        }

        function test_start_selected_shortcut_path() {
            const pane = createTemporaryObject(paneComponent, root);
            findChild(pane, "field_sleep_seconds").text = "0.1";
            const before = TaskController.model.total;
            verify(pane.startSelected());
            compare(TaskController.model.total, before + 1);
        }

        function test_command_line() {
            const pane = createTemporaryObject(paneComponent, root);
            const field = findChild(pane, "commandField");
            const run = findChild(pane, "runCommandButton");
            verify(!run.enabled);
            pane.focusCommand();
            verify(field.activeFocus);
            field.text = "sh -c 'echo 1/2; echo 2/2'";
            const before = TaskController.model.total;
            mouseClick(run);
            compare(TaskController.model.total, before + 1);
            compare(field.text, "");
            tryVerify(() => TaskController.model.succeeded >= 1, 10000);
        }
    }
}
