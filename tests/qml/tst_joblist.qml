import QtQuick
import QtTest
import Longrun.Backend
import Longrun.Ui

// TestCase is invisible; the items under test live on this visible stage.
Item {
    id: root
    width: 700
    height: 500

    TestCase {
        id: testCase
        name: "JobList"
        when: windowShown

        Component {
            id: listComponent
            JobList {
                width: 700
                height: 500
            }
        }

        Component {
            id: detailsComponent
            JobDetails {
                width: 400
                height: 600
            }
        }

        function initTestCase() {
            tryVerify(() => TaskController.catalog.indexOf("sleep") >= 0, 10000, "the catalog loads");
        }

        function cleanup() {
            TaskController.jobs.filter = "all";
            TaskController.cancelAll();
            tryVerify(() => !TaskController.hasActiveJobs, 10000);
            TaskController.clearFinished();
        }

        function rowOf(list, id) {
            return findChild(list, "job_" + id);
        }

        function test_rows_say_what_they_are() {
            const list = createTemporaryObject(listComponent, root);
            verify(TaskController.start("sleep", { seconds: "30", steps: "300" }, 1));
            const id = TaskController.jobs.idAt(TaskController.jobs.count - 1);
            tryVerify(() => rowOf(list, id) !== null);
            const row = rowOf(list, id);
            tryVerify(() => row.stateName === "Running", 10000);
            tryVerify(() => row.progress > 0, 10000);
            compare(row.Accessible.name.indexOf("Job " + id + ": sleep"), 0);
            verify(row.Accessible.name.indexOf("Running") > 0);
            verify(/\d+%$/.test(row.Accessible.name));
        }

        function test_cancel_pause_resume_buttons() {
            const list = createTemporaryObject(listComponent, root);
            verify(TaskController.start("sleep", { seconds: "30", steps: "300" }, 1));
            const id = TaskController.jobs.idAt(TaskController.jobs.count - 1);
            tryVerify(() => findChild(list, "pauseButton_" + id) && findChild(list, "pauseButton_" + id).visible, 10000);
            mouseClick(findChild(list, "pauseButton_" + id));
            tryVerify(() => rowOf(list, id).stateKey === "paused", 10000);
            const resume = findChild(list, "resumeButton_" + id);
            verify(resume.visible);
            mouseClick(resume);
            tryVerify(() => rowOf(list, id).stateKey === "running", 10000);
            mouseClick(findChild(list, "cancelButton_" + id));
            tryVerify(() => rowOf(list, id).stateKey === "canceled", 10000);
            tryVerify(() => findChild(list, "retryButton_" + id).visible);
            verify(!findChild(list, "cancelButton_" + id).visible);
        }

        function test_keyboard_moves_and_delete_cancels() {
            const list = createTemporaryObject(listComponent, root);
            verify(TaskController.start("sleep", { seconds: "30", steps: "30" }, 40));
            const view = list.view;
            tryCompare(view, "count", 40);
            view.forceActiveFocus();
            view.currentIndex = 0;
            keyClick(Qt.Key_Down);
            compare(view.currentIndex, 1);
            keyClick(Qt.Key_PageDown);
            verify(view.currentIndex > 2);
            keyClick(Qt.Key_End);
            compare(view.currentIndex, 39);
            keyClick(Qt.Key_Home);
            compare(view.currentIndex, 0);
            const id = list.currentJobId;
            verify(id > 0);
            keyClick(Qt.Key_Delete);
            tryVerify(() => rowOf(list, id).stateKey === "canceled", 10000);
        }

        function test_filter() {
            const list = createTemporaryObject(listComponent, root);
            verify(TaskController.start("sleep", { seconds: "0.05", steps: "1" }, 3));
            verify(TaskController.start("fault", { mode: "exit-nonzero", delay: "0" }, 1));
            tryVerify(() => !TaskController.hasActiveJobs, 20000);
            TaskController.jobs.filter = "failed";
            tryCompare(list.view, "count", 1);
            TaskController.jobs.filter = "succeeded";
            tryCompare(list.view, "count", 3);
        }

        function test_details_of_a_failure_are_selectable() {
            const list = createTemporaryObject(listComponent, root);
            const details = createTemporaryObject(detailsComponent, root, { x: 0 });
            verify(TaskController.start("fault", { mode: "exception", delay: "0" }, 1));
            const id = TaskController.jobs.idAt(TaskController.jobs.count - 1);
            tryVerify(() => rowOf(list, id) && rowOf(list, id).stateKey === "failed", 10000);
            list.selectJob(id);
            compare(list.currentJobId, id);
            details.jobId = list.currentJobId;
            tryVerify(() => details.hasJob);
            const error = findChild(details, "errorText");
            const stderr = findChild(details, "stderrText");
            verify(error && stderr);
            verify(error.visible && error.readOnly && error.selectByMouse);
            verify(error.text.length > 0);
            verify(stderr.text.indexOf("exception") >= 0);
            // Selection is copyable text, not pixels.
            error.selectAll();
            verify(error.selectedText.length > 0);
        }

        function test_montecarlo_plot_fills() {
            const details = createTemporaryObject(detailsComponent, root);
            verify(TaskController.start("montecarlo-pi", { samples: "4000000" }, 1));
            const id = TaskController.jobs.idAt(TaskController.jobs.count - 1);
            details.jobId = id;
            tryVerify(() => details.hasJob);
            const plot = findChild(details, "seriesPlot");
            verify(plot);
            tryVerify(() => plot.count > 100, 20000);
            tryVerify(() => Math.abs(plot.lastY - Math.PI) < 0.05, 20000);
        }
    }
}
