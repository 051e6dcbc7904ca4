# One INTERFACE target that every longrun target links: the warning set lives here only.
# LONGRUN_WERROR (on in the CI presets) turns every warning into an error.
option(LONGRUN_WERROR "Treat compiler warnings as errors" OFF)

add_library(longrun_warnings INTERFACE)
add_library(longrun::warnings ALIAS longrun_warnings)
target_compile_options(longrun_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused
    -Woverloaded-virtual -Wconversion -Wsign-conversion -Wnull-dereference
    -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(longrun_warnings INTERFACE
        -Wmisleading-indentation -Wduplicated-cond -Wlogical-op)
endif()
if(LONGRUN_WERROR)
    target_compile_options(longrun_warnings INTERFACE -Werror)
endif()
