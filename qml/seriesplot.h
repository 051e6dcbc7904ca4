#pragma once

// SeriesPlot: a line plot of a job's data points (the Monte-Carlo estimate converging), drawn by
// the scene graph so that thousands of points redraw smoothly while they stream in. GUI thread
// for the properties, render thread for updatePaintNode(); the QML engine owns it.
//
// The item draws the plot area only: grid lines, an optional reference line (pi) and the
// antialiased series. It publishes its tick positions and labels (xTicks, yTicks) so that QML
// places the axis labels around it.

#include <QtCore/QPointF>
#include <QtGui/QColor>
#include <QtQml/qqmlregistration.h>
#include <QtQuick/QQuickItem>

#include <limits>

namespace longrun {

// Not final: QML_ELEMENT registration derives from it.
class SeriesPlot : public QQuickItem
{
    Q_OBJECT
    QML_ELEMENT

    // A QList<QPointF> (the model's series role) or a list of points.
    Q_PROPERTY(QVariant points READ points WRITE setPoints NOTIFY pointsChanged)
    Q_PROPERTY(int count READ count NOTIFY pointsChanged)
    Q_PROPERTY(double lastY READ lastY NOTIFY pointsChanged)
    // A horizontal line at this value, always in view; NaN for none.
    Q_PROPERTY(double referenceY READ referenceY WRITE setReferenceY NOTIFY referenceYChanged)
    // A logarithmic x axis when the data spans more than a decade.
    Q_PROPERTY(bool logX READ logX WRITE setLogX NOTIFY logXChanged)
    Q_PROPERTY(QColor color READ color WRITE setColor NOTIFY colorsChanged)
    Q_PROPERTY(
        QColor referenceColor READ referenceColor WRITE setReferenceColor NOTIFY colorsChanged)
    Q_PROPERTY(QColor gridColor READ gridColor WRITE setGridColor NOTIFY colorsChanged)
    Q_PROPERTY(double lineWidth READ lineWidth WRITE setLineWidth NOTIFY lineWidthChanged)
    // [{position: px, label: "1M"}, ...] along each axis, for the labels drawn in QML.
    Q_PROPERTY(QVariantList xTicks READ xTicks NOTIFY ticksChanged)
    Q_PROPERTY(QVariantList yTicks READ yTicks NOTIFY ticksChanged)
    // The y of the reference line in item coordinates (for its label), or -1.
    Q_PROPERTY(double referencePosition READ referencePosition NOTIFY ticksChanged)

public:
    explicit SeriesPlot(QQuickItem *parent = nullptr);

    [[nodiscard]] QVariant points() const;
    void setPoints(const QVariant &points);
    [[nodiscard]] int count() const { return static_cast<int>(m_points.size()); }
    [[nodiscard]] double lastY() const;
    [[nodiscard]] double referenceY() const { return m_referenceY; }
    void setReferenceY(double y);
    [[nodiscard]] bool logX() const { return m_logX; }
    void setLogX(bool logX);
    [[nodiscard]] QColor color() const { return m_color; }
    void setColor(const QColor &color);
    [[nodiscard]] QColor referenceColor() const { return m_referenceColor; }
    void setReferenceColor(const QColor &color);
    [[nodiscard]] QColor gridColor() const { return m_gridColor; }
    void setGridColor(const QColor &color);
    [[nodiscard]] double lineWidth() const { return m_lineWidth; }
    void setLineWidth(double width);
    [[nodiscard]] QVariantList xTicks() const { return m_xTicks; }
    [[nodiscard]] QVariantList yTicks() const { return m_yTicks; }
    [[nodiscard]] double referencePosition() const;

    // Item coordinates of a data point under the current scales (for tests and labels).
    Q_INVOKABLE QPointF mapToPlot(double x, double y) const;

Q_SIGNALS:
    void pointsChanged();
    void referenceYChanged();
    void logXChanged();
    void colorsChanged();
    void lineWidthChanged();
    void ticksChanged();

protected:
    QSGNode *updatePaintNode(QSGNode *oldNode, UpdatePaintNodeData *data) override;
    void geometryChange(const QRectF &newGeometry, const QRectF &oldGeometry) override;

private:
    struct Scale
    {
        double min = 0.0;
        double max = 1.0;
        bool log = false;
        [[nodiscard]] double transform(double v) const;
    };

    void relayout();
    [[nodiscard]] bool useLogX() const;

    QList<QPointF> m_points;
    double m_referenceY = std::numeric_limits<double>::quiet_NaN();
    bool m_logX = false;
    QColor m_color = QColor(0x2b, 0x6c, 0xb0);
    QColor m_referenceColor = QColor(0xc0, 0x5a, 0x2b);
    QColor m_gridColor = QColor(0, 0, 0, 40);
    double m_lineWidth = 2.0;

    Scale m_x;
    Scale m_y;
    QList<double> m_xGrid; // item coordinates
    QList<double> m_yGrid;
    QVariantList m_xTicks;
    QVariantList m_yTicks;
};

} // namespace longrun
