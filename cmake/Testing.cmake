# longrun_add_test(<name> SOURCES ... [LIBRARIES ...] [LABELS ...] [TIMEOUT s])
#
# The one way a test is declared: a Qt Test executable, run offscreen, with the freshly built
# worker named in LONGRUN_WORKER so that tests never pick up an installed one.
function(longrun_add_test name)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "TIMEOUT" "SOURCES;LIBRARIES;LABELS;ARGS")
    if(NOT arg_TIMEOUT)
        set(arg_TIMEOUT 120)
    endif()
    qt_add_executable(${name} ${arg_SOURCES})
    set_target_properties(${name} PROPERTIES
        RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
    target_link_libraries(${name} PRIVATE Qt6::Test longrun::warnings ${arg_LIBRARIES})
    # Helpers shared by tests of several folders (procutil.h, jobspecs.h).
    target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
    add_dependencies(${name} longrun-worker longrun)
    add_test(NAME ${name} COMMAND ${name} ${arg_ARGS})
    set_tests_properties(${name} PROPERTIES
        TIMEOUT ${arg_TIMEOUT}
        LABELS "${arg_LABELS}"
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;LONGRUN_DATA_DIR=${CMAKE_BINARY_DIR}/tests/data/${name};XDG_CONFIG_HOME=${CMAKE_BINARY_DIR}/tests/config;LONGRUN_WORKER=$<TARGET_FILE:longrun-worker>;LONGRUN_APP=$<TARGET_FILE:longrun>;LONGRUN_TEST_HELPERS=${CMAKE_BINARY_DIR}/tests;QT_QUICK_CONTROLS_STYLE=Fusion")
endfunction()
