# LONGRUN_SANITIZE: "address;undefined" or "thread" (see the asan and tsan presets).
set(LONGRUN_SANITIZE "" CACHE STRING "Sanitizers to build with (address;undefined or thread)")
if(LONGRUN_SANITIZE)
    list(JOIN LONGRUN_SANITIZE "," _longrun_sanitizers)
    add_compile_options(-fsanitize=${_longrun_sanitizers} -fno-omit-frame-pointer
                        -fno-sanitize-recover=all)
    add_link_options(-fsanitize=${_longrun_sanitizers})
    if("thread" IN_LIST LONGRUN_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        # GCC warns (-Wtsan) wherever a header uses std::atomic_thread_fence, which TSan does
        # not model; Qt's own headers do (QGlobalStatic), so with -Werror nothing Qt-based
        # builds. The warning says nothing about our code; races it could hide would be inside
        # Qt, which is not instrumented anyway (see tests/tsan.supp).
        add_compile_options(-Wno-tsan)
    endif()
    if("thread" IN_LIST LONGRUN_SANITIZE)
        # tsan_clone.cpp keeps TSan's view of a thread intact after QProcess starts a child;
        # tsan_qt_races.cpp drops race reports whose two accesses were both made inside Qt or libc
        # (races TSan imagines inside the uninstrumented Qt). See the comments there. Every target defined from here
        # on links both.
        add_library(longrun_tsan_runtime OBJECT ${CMAKE_CURRENT_LIST_DIR}/tsan_clone.cpp
                                                ${CMAKE_CURRENT_LIST_DIR}/tsan_qt_races.cpp)
        target_compile_options(longrun_tsan_runtime PRIVATE -fno-sanitize=thread)
        link_libraries(longrun_tsan_runtime ${CMAKE_DL_LIBS})
    endif()
endif()
