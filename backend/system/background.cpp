#include "system/background.h"

#include <QtCore/QThreadPool>

namespace longrun {

QThreadPool *backgroundPool()
{
    // Deliberately never destroyed: tasks may still be finishing while statics are torn down.
    static QThreadPool *pool = [] {
        auto *p = new QThreadPool;
        p->setMaxThreadCount(2);
        return p;
    }();
    return pool;
}

} // namespace longrun
