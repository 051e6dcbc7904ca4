# LONGRUN_SANITIZE: "address;undefined" or "thread" (see the asan and tsan presets).
set(LONGRUN_SANITIZE "" CACHE STRING "Sanitizers to build with (address;undefined or thread)")
if(LONGRUN_SANITIZE)
    list(JOIN LONGRUN_SANITIZE "," _longrun_sanitizers)
    add_compile_options(-fsanitize=${_longrun_sanitizers} -fno-omit-frame-pointer
                        -fno-sanitize-recover=all)
    add_link_options(-fsanitize=${_longrun_sanitizers})
endif()
