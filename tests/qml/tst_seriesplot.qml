import QtQuick
import QtTest
import Longrun.Ui

// TestCase is invisible; the items under test live on this visible stage.
Item {
    id: root
    width: 400
    height: 300

    TestCase {
        id: testCase
        name: "SeriesPlot"
        when: windowShown

        Component {
            id: plotComponent
            SeriesPlot {
                width: 300
                height: 200
            }
        }

        function test_empty_plot_has_no_points() {
            const plot = createTemporaryObject(plotComponent, root);
            compare(plot.count, 0);
            verify(isNaN(plot.lastY));
            compare(plot.referencePosition, -1);
        }

        function test_points_and_scales() {
            const plot = createTemporaryObject(plotComponent, root, { referenceY: Math.PI });
            const points = [];
            for (let i = 1; i <= 2000; ++i)
                points.push(Qt.point(i * 1000, Math.PI + 0.5 / Math.sqrt(i) * (i % 2 ? 1 : -1)));
            plot.points = points;
            compare(plot.count, 2000);
            fuzzyCompare(plot.lastY, points[1999].y, 1e-12);
            // Every point lies inside the item.
            const first = plot.mapToPlot(points[0].x, points[0].y);
            const last = plot.mapToPlot(points[1999].x, points[1999].y);
            verify(first.x >= 0 && first.x <= plot.width);
            verify(last.x >= 0 && last.x <= plot.width + 0.001);
            verify(first.y >= 0 && first.y <= plot.height);
            // The reference line is in view, and ticks come with labels.
            verify(plot.referencePosition > 0 && plot.referencePosition < plot.height);
            verify(plot.yTicks.length >= 2);
            verify(plot.xTicks.length >= 2);
            for (const tick of plot.yTicks.concat(plot.xTicks))
                verify(tick.label !== "");
        }

        function test_log_axis_over_decades() {
            const plot = createTemporaryObject(plotComponent, root, { logX: true });
            plot.points = [Qt.point(1000, 3.0), Qt.point(10000, 3.1), Qt.point(100000, 3.14), Qt.point(1000000, 3.141)];
            // On a log axis, decades are evenly spaced.
            const a = plot.mapToPlot(1000, 3).x;
            const b = plot.mapToPlot(10000, 3).x;
            const c = plot.mapToPlot(100000, 3).x;
            fuzzyCompare(b - a, c - b, 0.01);
            compare(plot.xTicks.map(t => t.label), ["1k", "10k", "100k", "1M"]);
        }

        function test_ignores_non_finite_points() {
            const plot = createTemporaryObject(plotComponent, root);
            plot.points = [Qt.point(1, 1), Qt.point(2, NaN), Qt.point(3, Infinity), Qt.point(4, 2)];
            compare(plot.count, 2);
        }
    }
}
