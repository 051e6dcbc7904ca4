#include "seriesplot.h"

#include <QtQuick/QSGFlatColorMaterial>
#include <QtQuick/QSGGeometryNode>
#include <QtQuick/QSGVertexColorMaterial>

#include <algorithm>
#include <cmath>

namespace longrun {

namespace {

double niceStep(double range, int target)
{
    const double raw = range / std::max(1, target);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double fraction = raw / magnitude;
    const double nice = fraction < 1.5 ? 1.0 : fraction < 3.0 ? 2.0 : fraction < 7.0 ? 5.0 : 10.0;
    return nice * magnitude;
}

QString formatY(double value, double step)
{
    const int decimals = std::clamp(static_cast<int>(-std::floor(std::log10(step))), 0, 8);
    return QString::number(value, 'f', decimals);
}

// 1000 -> "1k", 2500000 -> "2.5M": sample counts read better this way.
QString formatX(double value)
{
    struct Unit
    {
        double factor;
        const char *suffix;
    };
    static constexpr Unit units[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
    for (const Unit &unit : units) {
        if (std::abs(value) >= unit.factor)
            return QString::number(value / unit.factor, 'g', 3) + QLatin1String(unit.suffix);
    }
    return QString::number(value, 'g', 3);
}

QSGGeometryNode *geometryNode(QSGNode *parent, int childIndex)
{
    return static_cast<QSGGeometryNode *>(parent->childAtIndex(childIndex));
}

QSGGeometryNode *makeStripNode()
{
    auto *node = new QSGGeometryNode;
    auto *geometry = new QSGGeometry(QSGGeometry::defaultAttributes_ColoredPoint2D(), 0, 0,
                                     QSGGeometry::UnsignedIntType);
    geometry->setDrawingMode(QSGGeometry::DrawTriangles);
    node->setGeometry(geometry);
    node->setFlag(QSGNode::OwnsGeometry);
    node->setMaterial(new QSGVertexColorMaterial);
    node->setFlag(QSGNode::OwnsMaterial);
    return node;
}

// An antialiased polyline as triangles: per point four vertices across the line (transparent
// edge, opaque core, opaque core, transparent edge), so the edges fade over one pixel without
// relying on multisampling, which the window may not have. One piece: the vertex arithmetic
// of a segment depends on its neighbours' on both sides.
void fillPolyline(QSGGeometry *geometry, const QList<QPointF> &input, const QColor &color,
                  double width)
{
    // Points closer than half a pixel add nothing but zero-length segments.
    QList<QPointF> points;
    points.reserve(input.size());
    for (const QPointF &p : input) {
        if (points.isEmpty()
            || std::hypot(p.x() - points.last().x(), p.y() - points.last().y()) >= 0.5)
            points.append(p);
    }
    if (points.size() < 2) {
        geometry->allocate(0, 0);
        return;
    }
    const auto n = static_cast<int>(points.size());
    geometry->allocate(n * 4, (n - 1) * 18);
    auto *vertices = geometry->vertexDataAsColoredPoint2D();
    quint32 *indices = geometry->indexDataAsUInt();

    const auto a = static_cast<uchar>(color.alpha());
    // QSGVertexColorMaterial wants premultiplied colours.
    const auto r = static_cast<uchar>(color.red() * a / 255);
    const auto g = static_cast<uchar>(color.green() * a / 255);
    const auto b = static_cast<uchar>(color.blue() * a / 255);
    const double core = std::max(0.0, width / 2.0 - 0.5);
    const double edge = width / 2.0 + 0.5;

    auto segmentNormal = [&](int i) {
        const QPointF d = points.at(i + 1) - points.at(i);
        const double length = std::hypot(d.x(), d.y());
        return QPointF(-d.y() / length, d.x() / length);
    };
    for (int i = 0; i < n; ++i) {
        QPointF normal;
        double miter = 1.0;
        if (i == 0) {
            normal = segmentNormal(0);
        } else if (i == n - 1) {
            normal = segmentNormal(n - 2);
        } else {
            const QPointF n0 = segmentNormal(i - 1);
            const QPointF n1 = segmentNormal(i);
            const QPointF sum = n0 + n1;
            const double length = std::hypot(sum.x(), sum.y());
            normal = length > 1e-6 ? sum / length : n1;
            // Sharp turns would make long spikes: limit the miter.
            const double cosine = normal.x() * n1.x() + normal.y() * n1.y();
            miter = 1.0 / std::max(0.5, cosine);
        }
        const QPointF p = points.at(i);
        const QPointF outer = normal * (edge * miter);
        const QPointF inner = normal * (core * miter);
        vertices[i * 4 + 0].set(static_cast<float>(p.x() + outer.x()),
                                static_cast<float>(p.y() + outer.y()), 0, 0, 0, 0);
        vertices[i * 4 + 1].set(static_cast<float>(p.x() + inner.x()),
                                static_cast<float>(p.y() + inner.y()), r, g, b, a);
        vertices[i * 4 + 2].set(static_cast<float>(p.x() - inner.x()),
                                static_cast<float>(p.y() - inner.y()), r, g, b, a);
        vertices[i * 4 + 3].set(static_cast<float>(p.x() - outer.x()),
                                static_cast<float>(p.y() - outer.y()), 0, 0, 0, 0);
    }
    for (int i = 0; i + 1 < n; ++i) {
        for (int band = 0; band < 3; ++band) {
            const auto v0 = static_cast<quint32>(i * 4 + band);
            const quint32 v1 = v0 + 1;
            const quint32 w0 = v0 + 4;
            const quint32 w1 = v1 + 4;
            *indices++ = v0;
            *indices++ = v1;
            *indices++ = w0;
            *indices++ = v1;
            *indices++ = w1;
            *indices++ = w0;
        }
    }
}

} // namespace

double SeriesPlot::Scale::transform(double v) const
{
    return log ? std::log10(std::max(v, 1e-300)) : v;
}

SeriesPlot::SeriesPlot(QQuickItem *parent)
    : QQuickItem(parent)
{
    setFlag(ItemHasContents);
}

QVariant SeriesPlot::points() const
{
    return QVariant::fromValue(m_points);
}

void SeriesPlot::setPoints(const QVariant &points)
{
    QList<QPointF> list;
    if (points.metaType() == QMetaType::fromType<QList<QPointF>>()) {
        list = points.value<QList<QPointF>>();
    } else {
        // From JavaScript: an array of points or of {x, y} objects.
        const QVariantList values = points.toList();
        list.reserve(values.size());
        for (const QVariant &value : values) {
            if (value.canConvert<QPointF>()
                && value.metaType() != QMetaType::fromType<QVariantMap>()) {
                list.append(value.toPointF());
            } else {
                const QVariantMap map = value.toMap();
                list.append(QPointF(map.value(QStringLiteral("x")).toDouble(),
                                    map.value(QStringLiteral("y")).toDouble()));
            }
        }
    }
    list.erase(std::remove_if(
                   list.begin(), list.end(),
                   [](const QPointF &p) { return !std::isfinite(p.x()) || !std::isfinite(p.y()); }),
               list.end());
    if (list == m_points)
        return;
    m_points = std::move(list);
    emit pointsChanged();
    relayout();
}

double SeriesPlot::lastY() const
{
    return m_points.isEmpty() ? std::numeric_limits<double>::quiet_NaN() : m_points.last().y();
}

void SeriesPlot::setReferenceY(double y)
{
    if (y == m_referenceY || (std::isnan(y) && std::isnan(m_referenceY)))
        return;
    m_referenceY = y;
    emit referenceYChanged();
    relayout();
}

void SeriesPlot::setLogX(bool logX)
{
    if (logX == m_logX)
        return;
    m_logX = logX;
    emit logXChanged();
    relayout();
}

void SeriesPlot::setColor(const QColor &color)
{
    if (color == m_color)
        return;
    m_color = color;
    emit colorsChanged();
    update();
}

void SeriesPlot::setReferenceColor(const QColor &color)
{
    if (color == m_referenceColor)
        return;
    m_referenceColor = color;
    emit colorsChanged();
    update();
}

void SeriesPlot::setGridColor(const QColor &color)
{
    if (color == m_gridColor)
        return;
    m_gridColor = color;
    emit colorsChanged();
    update();
}

void SeriesPlot::setLineWidth(double width)
{
    if (qFuzzyCompare(width, m_lineWidth))
        return;
    m_lineWidth = width;
    emit lineWidthChanged();
    update();
}

double SeriesPlot::referencePosition() const
{
    if (std::isnan(m_referenceY))
        return -1.0;
    return mapToPlot(m_x.min, m_referenceY).y();
}

QPointF SeriesPlot::mapToPlot(double x, double y) const
{
    const double xRange = m_x.transform(m_x.max) - m_x.transform(m_x.min);
    const double yRange = m_y.max - m_y.min;
    const double px =
        xRange > 0 ? (m_x.transform(x) - m_x.transform(m_x.min)) / xRange * width() : 0.0;
    const double py = yRange > 0 ? height() - (y - m_y.min) / yRange * height() : height() / 2.0;
    return {px, py};
}

void SeriesPlot::geometryChange(const QRectF &newGeometry, const QRectF &oldGeometry)
{
    QQuickItem::geometryChange(newGeometry, oldGeometry);
    if (newGeometry.size() != oldGeometry.size())
        relayout();
}

bool SeriesPlot::useLogX() const
{
    if (!m_logX || m_points.isEmpty())
        return false;
    double lo = m_points.first().x();
    double hi = lo;
    for (const QPointF &p : m_points) {
        lo = std::min(lo, p.x());
        hi = std::max(hi, p.x());
    }
    return lo > 0 && hi / lo >= 10.0;
}

// Scales, grid lines and tick labels follow the data and the size; the scene graph picks them up
// in updatePaintNode().
void SeriesPlot::relayout()
{
    m_x = {};
    m_y = {};
    if (!m_points.isEmpty()) {
        m_x.min = m_x.max = m_points.first().x();
        m_y.min = m_y.max = m_points.first().y();
        for (const QPointF &p : m_points) {
            m_x.min = std::min(m_x.min, p.x());
            m_x.max = std::max(m_x.max, p.x());
            m_y.min = std::min(m_y.min, p.y());
            m_y.max = std::max(m_y.max, p.y());
        }
    } else if (!std::isnan(m_referenceY)) {
        m_y.min = m_y.max = m_referenceY;
    }
    if (!std::isnan(m_referenceY)) {
        m_y.min = std::min(m_y.min, m_referenceY);
        m_y.max = std::max(m_y.max, m_referenceY);
    }
    m_x.log = useLogX();
    if (m_x.max <= m_x.min)
        m_x.max = m_x.min + 1.0;
    double ySpan = m_y.max - m_y.min;
    if (ySpan <= 0)
        ySpan = std::max(1e-3, std::abs(m_y.max) * 0.01);
    m_y.min -= ySpan * 0.08;
    m_y.max += ySpan * 0.08;

    m_xGrid.clear();
    m_yGrid.clear();
    m_xTicks.clear();
    m_yTicks.clear();
    auto addX = [this](double value) {
        const double pos = mapToPlot(value, m_y.min).x();
        m_xGrid << pos;
        m_xTicks << QVariantMap{{QStringLiteral("position"), pos},
                                {QStringLiteral("label"), formatX(value)}};
    };
    if (width() > 0 && height() > 0) {
        if (m_x.log) {
            const int first = static_cast<int>(std::ceil(std::log10(m_x.min) - 1e-9));
            const int last = static_cast<int>(std::floor(std::log10(m_x.max) + 1e-9));
            for (int k = first; k <= last; ++k)
                addX(std::pow(10.0, k));
        } else {
            const double step =
                niceStep(m_x.max - m_x.min, std::max(2, static_cast<int>(width() / 90)));
            for (double v = std::ceil(m_x.min / step) * step; v <= m_x.max + step * 1e-9; v += step)
                addX(v);
        }
        const double step =
            niceStep(m_y.max - m_y.min, std::max(2, static_cast<int>(height() / 40)));
        for (double v = std::ceil(m_y.min / step) * step; v <= m_y.max + step * 1e-9; v += step) {
            const double pos = mapToPlot(m_x.min, v).y();
            m_yGrid << pos;
            m_yTicks << QVariantMap{{QStringLiteral("position"), pos},
                                    {QStringLiteral("label"), formatY(v, step)}};
        }
    }
    emit ticksChanged();
    update();
}

QSGNode *SeriesPlot::updatePaintNode(QSGNode *oldNode, UpdatePaintNodeData *data)
{
    Q_UNUSED(data)
    QSGNode *root = oldNode;
    if (!root) {
        root = new QSGNode;
        auto *grid = new QSGGeometryNode;
        auto *gridGeometry = new QSGGeometry(QSGGeometry::defaultAttributes_Point2D(), 0);
        gridGeometry->setDrawingMode(QSGGeometry::DrawLines);
        gridGeometry->setLineWidth(1);
        grid->setGeometry(gridGeometry);
        grid->setFlag(QSGNode::OwnsGeometry);
        grid->setMaterial(new QSGFlatColorMaterial);
        grid->setFlag(QSGNode::OwnsMaterial);
        root->appendChildNode(grid);
        root->appendChildNode(makeStripNode()); // reference line
        root->appendChildNode(makeStripNode()); // series
    }

    const auto w = static_cast<float>(width());
    const auto h = static_cast<float>(height());

    QSGGeometryNode *grid = geometryNode(root, 0);
    QSGGeometry *gridGeometry = grid->geometry();
    gridGeometry->allocate(static_cast<int>((m_xGrid.size() + m_yGrid.size()) * 2));
    auto *gridPoints = gridGeometry->vertexDataAsPoint2D();
    int v = 0;
    // Grid lines on pixel centres stay crisp.
    for (const double x : m_xGrid) {
        const float px = std::floor(static_cast<float>(x)) + 0.5f;
        gridPoints[v++].set(px, 0);
        gridPoints[v++].set(px, h);
    }
    for (const double y : m_yGrid) {
        const float py = std::floor(static_cast<float>(y)) + 0.5f;
        gridPoints[v++].set(0, py);
        gridPoints[v++].set(w, py);
    }
    static_cast<QSGFlatColorMaterial *>(grid->material())->setColor(m_gridColor);
    grid->markDirty(QSGNode::DirtyGeometry | QSGNode::DirtyMaterial);

    QSGGeometryNode *reference = geometryNode(root, 1);
    QList<QPointF> referenceLine;
    if (!std::isnan(m_referenceY)) {
        const double y = referencePosition();
        referenceLine = {QPointF(0, y), QPointF(w, y)};
    }
    fillPolyline(reference->geometry(), referenceLine, m_referenceColor, 1.5);
    reference->markDirty(QSGNode::DirtyGeometry);

    QSGGeometryNode *series = geometryNode(root, 2);
    QList<QPointF> mapped;
    mapped.reserve(m_points.size());
    for (const QPointF &p : m_points)
        mapped.append(mapToPlot(p.x(), p.y()));
    fillPolyline(series->geometry(), mapped, m_color, m_lineWidth);
    series->markDirty(QSGNode::DirtyGeometry);
    return root;
}

} // namespace longrun
